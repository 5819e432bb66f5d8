package events.adapters.jdbc;

import events.domain.WebhookSecret;
import events.support.SecretBox;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

/**
 * How a signing secret is written to {@code subscription_secrets.secret}. With a {@link SecretBox} it is sealed:
 * {@value #SEALED_PREFIX} and the base64 of {@link SecretBox#seal} under the box's keys for
 * {@value #PURPOSE}, bound to the subscription's id, so that a copy of the database (a stolen backup, a
 * world-readable H2 file) holds no secret, and a sealed value copied to another subscription's row does not open
 * there. Without a box it is written as given ({@code whsec_...}), as before sealing existed: for tools and tests
 * that open the stores without the server's keys.
 *
 * <p>The id of the secret's own row is not bound in: it is assigned by the insert, after sealing. Binding it
 * would not stop anyone who can write to the table from letting an older secret of the same subscription sign
 * again, since they can clear its {@code retires_at} just as well.
 *
 * <p>Reading accepts both forms whatever the mode (rows written before sealing, or by a process without a box,
 * read as they are) except that a sealed value needs a box holding the key it was sealed under.
 */
final class SecretsAtRest {
    static final String SEALED_PREFIX = "v1:";
    static final String PURPOSE = "webhook-secrets";

    /** What an operator does about a secret that does not open (no value in it: it goes to logs). */
    static final String REMEDY = "if the server's key changed, give the key it was sealed under as a previous key"
            + " (EVENTS_SECRET_KEY_PREVIOUS) and restart; if that key is lost, rotate the subscription's secret;"
            + " until then nothing is signed with it and pushes to the subscription wait";

    private final SecretBox box;

    private SecretsAtRest(SecretBox box) {
        this.box = box;
    }

    /** Sealed under {@code box}'s keys for {@value #PURPOSE}. */
    static SecretsAtRest sealedWith(SecretBox box) {
        return new SecretsAtRest(box.forPurpose(PURPOSE));
    }

    /** Written as given. */
    static SecretsAtRest plain() {
        return new SecretsAtRest(null);
    }

    /** Whether secrets are written sealed. */
    boolean seals() {
        return box != null;
    }

    /** The column's value for {@code secret} of subscription {@code subscription}. */
    String write(UUID subscription, WebhookSecret secret) {
        if (box == null) {
            return secret.value();
        }
        byte[] sealed = box.seal(secret.value().getBytes(StandardCharsets.UTF_8), context(subscription));
        return SEALED_PREFIX + Base64.getEncoder().encodeToString(sealed);
    }

    /**
     * The secret in {@code stored}, the column's value for subscription {@code subscription}; empty when it is
     * sealed and does not open with this box (sealed under another key, altered, or moved from another
     * subscription's row), or is sealed and there is no box.
     *
     * @throws IllegalArgumentException when the value is neither form (never echoing it)
     */
    Optional<WebhookSecret> read(UUID subscription, String stored) {
        if (!stored.startsWith(SEALED_PREFIX)) {
            return Optional.of(WebhookSecret.parse(stored));
        }
        if (box == null) {
            return Optional.empty();
        }
        Optional<byte[]> opened = box.open(decode(stored), context(subscription));
        return opened.map(bytes -> WebhookSecret.parse(new String(bytes, StandardCharsets.UTF_8)));
    }

    /**
     * Whether {@code stored} is as this would write it now: sealed under the box's first key (false for a value
     * sealed under an older key, or written before sealing: rewrite it). Always true without a box: nothing is
     * rewritten then.
     */
    boolean isCurrent(String stored) {
        if (box == null) {
            return true;
        }
        return stored.startsWith(SEALED_PREFIX) && box.sealedUnderFirstKey(decode(stored));
    }

    /** Why {@code subscription}'s secret did not open, and what to do about it; one line. */
    String unreadable(UUID subscription) {
        if (box == null) {
            return "the signing secret of subscription " + subscription + " is sealed, and the stores were opened"
                    + " without the keys to open it";
        }
        return "the signing secret of subscription " + subscription + " does not open with the configured keys"
                + " (sealed under another key, altered, or copied from another subscription): " + REMEDY;
    }

    private static byte[] decode(String stored) {
        try {
            return Base64.getDecoder().decode(stored.substring(SEALED_PREFIX.length()));
        } catch (IllegalArgumentException e) {
            return new byte[0]; // opens under no key
        }
    }

    private static byte[] context(UUID subscription) {
        return ("subscription_secrets/" + subscription).getBytes(StandardCharsets.UTF_8);
    }
}
