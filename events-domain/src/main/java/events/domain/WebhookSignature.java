package events.domain;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.StringJoiner;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures: {@code v1,<base64 HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{body}")>},
 * one per secret in force (during a rotation, the new and the old), separated by spaces in the
 * {@code webhook-signature} header.
 */
public final class WebhookSignature {
    private static final String VERSION = "v1,";

    private WebhookSignature() {
    }

    /** The {@code webhook-signature} header value for a message signed with every secret of {@code secrets}. */
    public static String header(List<WebhookSecret> secrets, String messageId, long timestampSeconds, byte[] body) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("at least one secret is needed");
        }
        StringJoiner header = new StringJoiner(" ");
        for (WebhookSecret secret : secrets) {
            header.add(VERSION + Base64.getEncoder().encodeToString(hmac(secret, messageId, timestampSeconds, body)));
        }
        return header.toString();
    }

    /** Whether one of the {@code v1} signatures of {@code header} was made with {@code secret} for this message. */
    public static boolean verify(String header, WebhookSecret secret, String messageId, long timestampSeconds,
            byte[] body) {
        if (header == null) {
            return false;
        }
        byte[] expected = hmac(secret, messageId, timestampSeconds, body);
        for (String signature : header.trim().split(" +")) {
            if (signature.startsWith(VERSION)) {
                try {
                    byte[] given = Base64.getDecoder().decode(signature.substring(VERSION.length()));
                    if (MessageDigest.isEqual(expected, given)) {
                        return true;
                    }
                } catch (IllegalArgumentException notBase64) {
                    // not one of ours; look at the next
                }
            }
        }
        return false;
    }

    private static byte[] hmac(WebhookSecret secret, String messageId, long timestampSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.key(), "HmacSHA256"));
            mac.update((messageId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is unavailable", e);
        }
    }
}
