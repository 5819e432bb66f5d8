package events.support;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Authenticated encryption (AES-256-GCM) under a key ring: {@link #seal} uses the ring's first key, {@link #open}
 * any key of the ring, so a key is rotated by putting the new one first and keeping the old one until nothing
 * sealed under it is left. A sealed value is {@code 1 byte version | 4 bytes key id | 12 bytes random nonce |
 * ciphertext and 16 bytes tag}; the key id (from the key, not secret) says which key opens it. The caller's
 * {@code context} is authenticated but not stored: a value opens only with the context it was sealed with, so a
 * value cannot be moved to another row or purpose.
 *
 * <p>Each purpose gets its own keys ({@link #forPurpose}): HMAC-SHA256 of the purpose's name under each
 * key of the ring. Thread-safe.
 */
public final class SecretBox {
    /** Length of a key, in bytes (AES-256). */
    public static final int KEY_BYTES = 32;

    private static final byte VERSION = 1;
    private static final int KEY_ID_BYTES = 4;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int HEADER_BYTES = 1 + KEY_ID_BYTES + NONCE_BYTES;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final List<Key> ring;

    private SecretBox(List<Key> ring) {
        this.ring = ring;
    }

    /**
     * A box over {@code keys}, each {@value #KEY_BYTES} bytes: the first seals, every one opens.
     *
     * @throws IllegalArgumentException when there is no key, a key has the wrong length, or two keys are equal
     */
    public static SecretBox of(List<byte[]> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("at least one key is needed");
        }
        List<Key> ring = new ArrayList<>(keys.size());
        for (byte[] key : keys) {
            if (key.length != KEY_BYTES) {
                throw new IllegalArgumentException("a key must be " + KEY_BYTES + " bytes, not " + key.length);
            }
            Key k = new Key(key.clone());
            if (ring.stream().anyMatch(r -> Arrays.equals(r.id, k.id))) {
                throw new IllegalArgumentException("the same key is given twice");
            }
            ring.add(k);
        }
        return new SecretBox(List.copyOf(ring));
    }

    /** A box over one fresh random key (values sealed by it open only in this process). */
    public static SecretBox random() {
        return of(List.of(generateKey()));
    }

    /** {@value #KEY_BYTES} random bytes from a {@link SecureRandom}. */
    public static byte[] generateKey() {
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(key);
        return key;
    }

    /** The box whose keys are this ring's keys derived for {@code purpose}: values of one purpose never open in another. */
    public SecretBox forPurpose(String purpose) {
        Objects.requireNonNull(purpose, "purpose");
        List<Key> derived = new ArrayList<>(ring.size());
        for (Key key : ring) {
            derived.add(new Key(hmac(key.bytes, "events/" + purpose)));
        }
        return new SecretBox(List.copyOf(derived));
    }

    /** {@code plaintext} sealed under the first key, bound to {@code context}. */
    public byte[] seal(byte[] plaintext, byte[] context) {
        Key key = ring.get(0);
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key.spec, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context);
            byte[] sealed = cipher.doFinal(plaintext);
            return ByteBuffer.allocate(HEADER_BYTES + sealed.length)
                    .put(VERSION).put(key.id).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    /**
     * The plaintext of {@code sealed}, or empty when it was not sealed with {@code context} by a key of this ring,
     * or has been altered.
     */
    public Optional<byte[]> open(byte[] sealed, byte[] context) {
        if (sealed.length < HEADER_BYTES + TAG_BITS / 8 || sealed[0] != VERSION) {
            return Optional.empty();
        }
        Optional<Key> key = keyOf(sealed);
        if (key.isEmpty()) {
            return Optional.empty();
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key.get().spec,
                    new GCMParameterSpec(TAG_BITS, sealed, 1 + KEY_ID_BYTES, NONCE_BYTES));
            cipher.updateAAD(context);
            return Optional.of(cipher.doFinal(sealed, HEADER_BYTES, sealed.length - HEADER_BYTES));
        } catch (AEADBadTagException altered) {
            return Optional.empty();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    /** Whether {@code sealed} was sealed under this ring's first key (false: re-seal it to finish a rotation). */
    public boolean sealedUnderFirstKey(byte[] sealed) {
        return sealed.length >= HEADER_BYTES && sealed[0] == VERSION
                && Arrays.equals(sealed, 1, 1 + KEY_ID_BYTES, ring.get(0).id, 0, KEY_ID_BYTES);
    }

    /** How many keys the ring holds. */
    public int keys() {
        return ring.size();
    }

    private Optional<Key> keyOf(byte[] sealed) {
        for (Key key : ring) {
            if (Arrays.equals(sealed, 1, 1 + KEY_ID_BYTES, key.id, 0, KEY_ID_BYTES)) {
                return Optional.of(key);
            }
        }
        return Optional.empty();
    }

    private static byte[] hmac(byte[] key, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is unavailable", e);
        }
    }

    @Override
    public String toString() {
        return "SecretBox[" + ring.size() + " key(s)]";
    }

    private static final class Key {
        final byte[] bytes;
        final SecretKeySpec spec;
        final byte[] id;

        Key(byte[] bytes) {
            this.bytes = bytes;
            this.spec = new SecretKeySpec(bytes, "AES");
            this.id = Arrays.copyOf(hmac(bytes, "events/key-id"), KEY_ID_BYTES);
        }
    }
}
