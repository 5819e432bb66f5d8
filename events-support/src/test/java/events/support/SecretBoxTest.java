package events.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretBoxTest {
    private static final byte[] CONTEXT = bytes("subscription 7");
    private final byte[] oldKey = SecretBox.generateKey();
    private final byte[] newKey = SecretBox.generateKey();

    @Test
    void opensWhatItSealedWithTheSameContext() {
        SecretBox box = SecretBox.of(List.of(oldKey));
        byte[] sealed = box.seal(bytes("whsec_abc"), CONTEXT);

        assertThat(box.open(sealed, CONTEXT)).hasValueSatisfying(p -> assertThat(p).isEqualTo(bytes("whsec_abc")));
    }

    @Test
    void sealedBytesDoNotHoldThePlaintextAndDifferEachTime() {
        SecretBox box = SecretBox.of(List.of(oldKey));
        byte[] first = box.seal(bytes("whsec_abc"), CONTEXT);
        byte[] second = box.seal(bytes("whsec_abc"), CONTEXT);

        assertThat(new String(first, StandardCharsets.ISO_8859_1)).doesNotContain("whsec_abc");
        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void refusesAnotherContextAnAlteredValueAndAnUnknownKey() {
        SecretBox box = SecretBox.of(List.of(oldKey));
        byte[] sealed = box.seal(bytes("whsec_abc"), CONTEXT);
        byte[] altered = sealed.clone();
        altered[altered.length - 1] ^= 1;

        assertThat(box.open(sealed, bytes("subscription 8"))).isEmpty();
        assertThat(box.open(altered, CONTEXT)).isEmpty();
        assertThat(SecretBox.of(List.of(newKey)).open(sealed, CONTEXT)).isEmpty();
        assertThat(box.open(new byte[3], CONTEXT)).isEmpty();
    }

    @Test
    void aRotatedRingOpensOldValuesAndSealsUnderTheNewKey() {
        byte[] sealedBefore = SecretBox.of(List.of(oldKey)).seal(bytes("whsec_abc"), CONTEXT);
        SecretBox rotated = SecretBox.of(List.of(newKey, oldKey));

        assertThat(rotated.open(sealedBefore, CONTEXT)).isPresent();
        assertThat(rotated.sealedUnderFirstKey(sealedBefore)).isFalse();
        byte[] resealed = rotated.seal(bytes("whsec_abc"), CONTEXT);
        assertThat(rotated.sealedUnderFirstKey(resealed)).isTrue();
        assertThat(SecretBox.of(List.of(newKey)).open(resealed, CONTEXT)).isPresent();
    }

    @Test
    void purposesDoNotOpenEachOther() {
        SecretBox box = SecretBox.of(List.of(oldKey));
        byte[] sealed = box.forPurpose("cursor").seal(bytes("42"), CONTEXT);

        assertThat(box.forPurpose("cursor").open(sealed, CONTEXT)).isPresent();
        assertThat(box.forPurpose("secrets").open(sealed, CONTEXT)).isEmpty();
        assertThat(box.open(sealed, CONTEXT)).isEmpty();
    }

    @Test
    void refusesKeysOfTheWrongLengthAndRepeatedKeys() {
        assertThatThrownBy(() -> SecretBox.of(List.of(new byte[16]))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SecretBox.of(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SecretBox.of(List.of(oldKey, oldKey.clone())))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
