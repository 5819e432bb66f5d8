package events.domain;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * A subscription's signing secret in the Standard Webhooks form {@code whsec_<base64 of the key>}. New secrets
 * hold 32 random bytes. {@link #toString()} never shows the key: secrets must not reach logs.
 */
public final class WebhookSecret {
    static final String PREFIX = "whsec_";
    private static final int GENERATED_BYTES = 32;
    private static final int MIN_BYTES = 24;
    private static final int MAX_BYTES = 64;

    private final byte[] key;

    private WebhookSecret(byte[] key) {
        this.key = key;
    }

    /** A new secret of 32 bytes from {@code random}. */
    public static WebhookSecret generate(SecureRandom random) {
        byte[] key = new byte[GENERATED_BYTES];
        random.nextBytes(key);
        return new WebhookSecret(key);
    }

    /**
     * Reads {@code whsec_<base64>} (24 to 64 bytes of key); throws {@link IllegalArgumentException} without
     * echoing the value.
     */
    public static WebhookSecret parse(String text) {
        if (text == null || !text.startsWith(PREFIX)) {
            throw new IllegalArgumentException("a webhook secret starts with " + PREFIX);
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(text.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a webhook secret is " + PREFIX + " followed by base64");
        }
        if (key.length < MIN_BYTES || key.length > MAX_BYTES) {
            throw new IllegalArgumentException("a webhook secret holds " + MIN_BYTES + " to " + MAX_BYTES + " bytes");
        }
        return new WebhookSecret(key);
    }

    /** The secret as given to the subscriber, {@code whsec_...}. */
    public String value() {
        return PREFIX + Base64.getEncoder().encodeToString(key);
    }

    byte[] key() {
        return key.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WebhookSecret other && java.security.MessageDigest.isEqual(key, other.key);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key);
    }

    @Override
    public String toString() {
        return "WebhookSecret[redacted]";
    }
}
