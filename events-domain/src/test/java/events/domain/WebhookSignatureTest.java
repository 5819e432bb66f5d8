package events.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
    /**
     * The example of the Standard Webhooks / Svix documentation; the expected value was also computed apart from
     * this code, with Python's hmac module.
     */
    @Test
    void signsThePublishedStandardWebhooksExample() {
        WebhookSecret secret = WebhookSecret.parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        byte[] body = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);

        String header = WebhookSignature.header(List.of(secret), "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body);

        assertThat(header).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void agreesWithAnIndependentRfc2104HmacForRandomMessages() throws Exception {
        Random random = new Random(42);
        for (int i = 0; i < 200; i++) {
            WebhookSecret secret = WebhookSecret.generate(new SecureRandom());
            byte[] body = new byte[random.nextInt(5000)];
            random.nextBytes(body);
            String id = "msg_" + random.nextInt(1_000_000);
            long timestamp = 1_700_000_000L + random.nextInt(100_000_000);

            String header = WebhookSignature.header(List.of(secret), id, timestamp, body);

            byte[] key = Base64.getDecoder().decode(secret.value().substring("whsec_".length()));
            byte[] message = concat((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8), body);
            assertThat(header).isEqualTo("v1," + Base64.getEncoder().encodeToString(rfc2104HmacSha256(key, message)));
        }
    }

    @Test
    void signsWithEverySecretInForceDuringARotationAndEachVerifies() {
        WebhookSecret old = WebhookSecret.generate(new SecureRandom());
        WebhookSecret current = WebhookSecret.generate(new SecureRandom());
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);

        String header = WebhookSignature.header(List.of(current, old), "msg_1", 1, body);

        assertThat(header.split(" ")).hasSize(2).allSatisfy(s -> assertThat(s).startsWith("v1,"));
        assertThat(WebhookSignature.verify(header, current, "msg_1", 1, body)).isTrue();
        assertThat(WebhookSignature.verify(header, old, "msg_1", 1, body)).isTrue();
        assertThat(WebhookSignature.verify(header, WebhookSecret.generate(new SecureRandom()), "msg_1", 1, body)).isFalse();
        assertThat(WebhookSignature.verify(header, current, "msg_2", 1, body)).isFalse();
        assertThat(WebhookSignature.verify(header, current, "msg_1", 2, body)).isFalse();
        assertThat(WebhookSignature.verify(header, current, "msg_1", 1, "{ }".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(WebhookSignature.verify("v1,not-base64!! v2,x", current, "msg_1", 1, body)).isFalse();
        assertThat(WebhookSignature.verify(null, current, "msg_1", 1, body)).isFalse();
    }

    @Test
    void generatesThirtyTwoRandomBytesInTheWhsecFormAndNeverPrintsThem() {
        WebhookSecret a = WebhookSecret.generate(new SecureRandom());
        WebhookSecret b = WebhookSecret.generate(new SecureRandom());

        assertThat(a.value()).startsWith("whsec_");
        assertThat(Base64.getDecoder().decode(a.value().substring(6))).hasSize(32);
        assertThat(a).isNotEqualTo(b).isEqualTo(WebhookSecret.parse(a.value()));
        assertThat(a.toString()).doesNotContain(a.value().substring(6, 12)).isEqualTo("WebhookSecret[redacted]");
    }

    @Test
    void refusesMalformedSecretsWithoutEchoingThem() {
        for (String bad : new String[] {null, "", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_", "whsec_!!!notbase64",
                "whsec_" + Base64.getEncoder().encodeToString(new byte[23]),
                "whsec_" + Base64.getEncoder().encodeToString(new byte[65])}) {
            assertThatThrownBy(() -> WebhookSecret.parse(bad)).as(String.valueOf(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .satisfies(e -> {
                        if (bad != null && bad.length() > 6) {
                            assertThat(e.getMessage()).doesNotContain(bad.substring(6));
                        }
                    });
        }
        assertThatThrownBy(() -> WebhookSignature.header(List.of(), "m", 1, new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** HMAC by its definition (RFC 2104) on plain SHA-256, not through javax.crypto.Mac. */
    private static byte[] rfc2104HmacSha256(byte[] key, byte[] message) throws Exception {
        int block = 64;
        byte[] k = key.length > block ? MessageDigest.getInstance("SHA-256").digest(key) : key;
        k = Arrays.copyOf(k, block);
        byte[] ipad = new byte[block];
        byte[] opad = new byte[block];
        for (int i = 0; i < block; i++) {
            ipad[i] = (byte) (k[i] ^ 0x36);
            opad[i] = (byte) (k[i] ^ 0x5c);
        }
        byte[] inner = MessageDigest.getInstance("SHA-256").digest(concat(ipad, message));
        return MessageDigest.getInstance("SHA-256").digest(concat(opad, inner));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
