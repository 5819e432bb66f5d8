package events.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import events.support.SecretBox;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretKeysTest {
    private static final byte[] CONTEXT = "row 1".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SECRET = "whsec_abc".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path directory;

    private ServerSettings settings(Map<String, String> env) {
        return ServerSettings.from(env, List.of("--data-dir", directory.resolve("data").toString()));
    }

    private static String base64(byte[] key) {
        return Base64.getEncoder().encodeToString(key);
    }

    @Test
    void generatesAKeyFileOnlyItsOwnerCanReadInAnOwnerOnlyDirectoryAndReusesIt() throws Exception {
        SecretBox first = SecretKeys.resolve(settings(Map.of()));
        SecretBox again = SecretKeys.resolve(settings(Map.of()));

        Path file = directory.resolve("data").resolve(SecretKeys.FILE_NAME);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
                .isEqualTo("rwx------");
        assertThat(again.open(first.seal(SECRET, CONTEXT), CONTEXT)).isPresent();
        assertThat(Base64.getUrlDecoder().decode(Files.readString(file).trim())).hasSize(SecretBox.KEY_BYTES);
        try (var left = Files.list(file.getParent())) {
            assertThat(left).containsExactly(file); // no temporary file left behind
        }
    }

    @Test
    void theKeyFromTheEnvironmentIsUsedAndNoFileIsWritten() {
        byte[] key = SecretBox.generateKey();

        SecretBox box = SecretKeys.resolve(settings(Map.of("EVENTS_SECRET_KEY", base64(key))));

        assertThat(SecretBox.of(List.of(key)).open(box.seal(SECRET, CONTEXT), CONTEXT)).isPresent();
        assertThat(directory.resolve("data")).doesNotExist();
    }

    @Test
    void previousKeysOpenWhatWasSealedUnderThemWhileTheCurrentKeySeals() {
        byte[] current = SecretBox.generateKey();
        byte[] old = SecretBox.generateKey();
        byte[] sealedBefore = SecretBox.of(List.of(old)).seal(SECRET, CONTEXT);

        SecretBox box = SecretKeys.resolve(settings(Map.of("EVENTS_SECRET_KEY", base64(current),
                "EVENTS_SECRET_KEY_PREVIOUS", base64(old))));

        assertThat(box.keys()).isEqualTo(2);
        assertThat(box.open(sealedBefore, CONTEXT)).isPresent();
        assertThat(box.sealedUnderFirstKey(sealedBefore)).isFalse();
        assertThat(SecretBox.of(List.of(current)).open(box.seal(SECRET, CONTEXT), CONTEXT)).isPresent();
    }

    @Test
    void previousKeysFollowTheGeneratedKey() throws Exception {
        byte[] old = SecretBox.generateKey();
        byte[] sealedBefore = SecretBox.of(List.of(old)).seal(SECRET, CONTEXT);

        SecretBox box = SecretKeys.resolve(settings(Map.of("EVENTS_SECRET_KEY_PREVIOUS", base64(old))));

        assertThat(box.open(sealedBefore, CONTEXT)).isPresent();
        assertThat(box.sealedUnderFirstKey(box.seal(SECRET, CONTEXT))).isTrue();
        String generated = Files.readString(directory.resolve("data").resolve(SecretKeys.FILE_NAME)).trim();
        assertThatThrownBy(() -> SecretKeys.resolve(settings(Map.of("EVENTS_SECRET_KEY_PREVIOUS", generated))))
                .isInstanceOf(SettingsException.class).hasMessageContaining("give each key once")
                .hasMessageNotContaining(generated);
    }

    @Test
    void aKeyFileThatHoldsNoKeyStopsTheServerNamingTheFileNotItsContent() throws Exception {
        Path dir = Files.createDirectories(directory.resolve("data"));
        Files.writeString(dir.resolve(SecretKeys.FILE_NAME), "not-a-key\n");

        assertThatThrownBy(() -> SecretKeys.resolve(settings(Map.of())))
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining(SecretKeys.FILE_NAME)
                .hasMessageContaining("restore it from a backup")
                .hasMessageNotContaining("not-a-key");
    }
}
