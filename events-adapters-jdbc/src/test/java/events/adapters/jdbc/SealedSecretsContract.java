package events.adapters.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import events.domain.Subscription;
import events.domain.SubscriptionRequest;
import events.domain.SubscriptionStatus;
import events.domain.UnableToAccessSubscriptionsException;
import events.domain.WebhookSecret;
import events.ports.SubscriptionStore;
import events.support.SecretBox;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Webhook signing secrets at rest, on one database per test that the stores are opened on again and again (as a
 * server restarts): what a row holds, that it opens only for its own subscription, a key rotation, a wrong key,
 * and rows stored before sealing existed. A subclass says how to open the stores on its database and how to
 * reach it with plain JDBC.
 */
abstract class SealedSecretsContract {
    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] keyA = SecretBox.generateKey();
    private final byte[] keyB = SecretBox.generateKey();
    private final List<JdbcStores> opened = new ArrayList<>();

    /** The stores on this test's database; with no key, secrets are kept as given. */
    protected abstract JdbcStores open(List<byte[]> keys);

    /** A plain JDBC connection to this test's database. */
    protected abstract Connection connect() throws SQLException;

    @AfterEach
    void closeStores() {
        opened.forEach(JdbcStores::close);
    }

    @Test
    void aStoredSecretHoldsNeitherTheSecretNorItsKeyAndReadsBack() throws Exception {
        SubscriptionStore store = stores(keyA).subscriptionStore();
        WebhookSecret secret = WebhookSecret.generate(RANDOM);
        Subscription s = create(store, secret);

        String row = rawSecrets(s.id()).get(0);
        assertThat(row).startsWith("v1:").doesNotContain("whsec_").doesNotContain(keyPart(secret));
        assertThat(store.secrets(s.id(), T0)).containsExactly(secret);
    }

    @Test
    void aRotatedSecretIsSealedToo() throws Exception {
        SubscriptionStore store = stores(keyA).subscriptionStore();
        WebhookSecret first = WebhookSecret.generate(RANDOM);
        WebhookSecret second = WebhookSecret.generate(RANDOM);
        Subscription s = create(store, first);

        assertThat(store.rotateSecret(s.id(), second, T0.plusSeconds(3600))).isTrue();

        assertThat(rawSecrets(s.id())).hasSize(2).allSatisfy(row -> assertThat(row).startsWith("v1:")
                .doesNotContain("whsec_").doesNotContain(keyPart(first)).doesNotContain(keyPart(second)));
        assertThat(store.secrets(s.id(), T0)).containsExactly(second, first);
    }

    @Test
    void aSecretCopiedToAnotherSubscriptionDoesNotOpenThere() throws Exception {
        SubscriptionStore store = stores(keyA).subscriptionStore();
        WebhookSecret secret = WebhookSecret.generate(RANDOM);
        Subscription victim = create(store, secret);
        Subscription thief = create(store, WebhookSecret.generate(RANDOM));

        setRawSecrets(thief.id(), rawSecrets(victim.id()).get(0));

        assertThatThrownBy(() -> store.secrets(thief.id(), T0))
                .isInstanceOf(UnableToAccessSubscriptionsException.class)
                .hasMessageContaining(thief.id().toString())
                .hasMessageNotContaining(keyPart(secret));
        assertThat(store.secrets(victim.id(), T0)).containsExactly(secret);
    }

    @Test
    void restartingWithANewKeyFirstSealsEverySecretAgainUnderItAfterwhichTheOldKeyCanGo() throws Exception {
        JdbcStores underA = stores(keyA);
        WebhookSecret first = WebhookSecret.generate(RANDOM);
        WebhookSecret second = WebhookSecret.generate(RANDOM);
        Subscription s = create(underA.subscriptionStore(), first);
        underA.subscriptionStore().rotateSecret(s.id(), second, T0.plusSeconds(3600));
        Subscription other = create(underA.subscriptionStore(), WebhookSecret.generate(RANDOM));
        List<String> sealedUnderA = rawSecrets(s.id());
        underA.close();

        JdbcStores rotated = stores(keyB, keyA);

        SecretsAtRest onlyB = SecretsAtRest.sealedWith(SecretBox.of(List.of(keyB)));
        assertThat(rawSecrets(s.id())).hasSize(2).doesNotContainAnyElementsOf(sealedUnderA)
                .allSatisfy(row -> assertThat(onlyB.isCurrent(row)).isTrue());
        assertThat(rawSecrets(other.id())).allSatisfy(row -> assertThat(onlyB.isCurrent(row)).isTrue());
        assertThat(rotated.subscriptionStore().secrets(s.id(), T0)).containsExactly(second, first);
        rotated.close();

        assertThat(stores(keyB).subscriptionStore().secrets(s.id(), T0)).containsExactly(second, first);
    }

    @Test
    void aSecretSealedUnderAKeyNotGivenFailsEveryReadNamingTheRemedyAndIsLoggedOnce() throws Exception {
        JdbcStores underA = stores(keyA);
        WebhookSecret secret = WebhookSecret.generate(RANDOM);
        Subscription s = create(underA.subscriptionStore(), secret);
        String sealed = rawSecrets(s.id()).get(0);
        underA.close();

        try (RecordingLog log = new RecordingLog()) {
            SubscriptionStore store = stores(keyB).subscriptionStore();
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(() -> store.secrets(s.id(), T0))
                        .isInstanceOf(UnableToAccessSubscriptionsException.class)
                        .hasMessageContaining(s.id().toString())
                        .hasMessageContaining("EVENTS_SECRET_KEY_PREVIOUS")
                        .hasMessageNotContaining(keyPart(secret));
            }
            assertThat(log.at(JdbcSubscriptionStore.class, Level.ERROR)).singleElement().satisfies(line -> assertThat(line)
                    .contains(s.id().toString(), "EVENTS_SECRET_KEY_PREVIOUS").doesNotContain(keyPart(secret)));
        }
        assertThat(rawSecrets(s.id())).containsExactly(sealed);

        assertThat(stores(keyB, keyA).subscriptionStore().secrets(s.id(), T0)).containsExactly(secret);
    }

    @Test
    void aSubscriptionWhoseSecretWasSealedUnderALostKeyRecoversByRotatingIt() {
        JdbcStores underA = stores(keyA);
        WebhookSecret lost = WebhookSecret.generate(RANDOM);
        Subscription s = create(underA.subscriptionStore(), lost);
        underA.close();
        SubscriptionStore store = stores(keyB).subscriptionStore();
        WebhookSecret fresh = WebhookSecret.generate(RANDOM);

        assertThat(store.rotateSecret(s.id(), fresh, T0.plusSeconds(86_400))).isTrue();

        assertThat(store.secrets(s.id(), T0)).containsExactly(fresh);
    }

    @Test
    void secretsStoredInPlainTextBeforeAreSealedWhenTheStoresOpenWithAKey() throws Exception {
        JdbcStores plain = stores();
        WebhookSecret secret = WebhookSecret.generate(RANDOM);
        Subscription s = create(plain.subscriptionStore(), secret);
        assertThat(rawSecrets(s.id())).containsExactly(secret.value());
        plain.close();

        SubscriptionStore store = stores(keyA).subscriptionStore();

        assertThat(rawSecrets(s.id())).singleElement().satisfies(row -> assertThat(row).startsWith("v1:")
                .doesNotContain(keyPart(secret)));
        assertThat(store.secrets(s.id(), T0)).containsExactly(secret);
    }

    @Test
    void storesWithoutKeysRefuseASealedSecretInsteadOfSigningWithIt() throws Exception {
        JdbcStores underA = stores(keyA);
        Subscription s = create(underA.subscriptionStore(), WebhookSecret.generate(RANDOM));
        underA.close();

        SubscriptionStore plain = stores().subscriptionStore();

        assertThatThrownBy(() -> plain.secrets(s.id(), T0))
                .isInstanceOf(UnableToAccessSubscriptionsException.class)
                .hasMessageContaining("without the keys");
    }

    // ---------------------------------------------------------------- helpers

    private JdbcStores stores(byte[]... keys) {
        JdbcStores stores = open(List.of(keys));
        opened.add(stores);
        return stores;
    }

    private static Subscription create(SubscriptionStore store, WebhookSecret secret) {
        SubscriptionRequest request = new SubscriptionRequest("https://hooks.example.com/" + UUID.randomUUID(),
                "urn:altinn:resource:ttd-test", null, null, null, null, List.of());
        Subscription s = new Subscription(UUID.randomUUID(), "/org/ttd", "/org/ttd", request, T0, null,
                SubscriptionStatus.PENDING);
        assertThat(store.createIfAbsent(s, secret).created()).isTrue();
        return s;
    }

    /** The base64 of the secret's key, the part after {@code whsec_}. */
    static String keyPart(WebhookSecret secret) {
        return secret.value().substring("whsec_".length());
    }

    /** The subscription's rows of {@code subscription_secrets}, oldest first, as stored. */
    List<String> rawSecrets(UUID subscription) throws SQLException {
        try (Connection c = connect();
                PreparedStatement q = c.prepareStatement(
                        "SELECT secret FROM subscription_secrets WHERE subscription_id = ? ORDER BY id")) {
            q.setObject(1, subscription);
            List<String> rows = new ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getString(1));
                }
            }
            return rows;
        }
    }

    private void setRawSecrets(UUID subscription, String value) throws SQLException {
        try (Connection c = connect();
                PreparedStatement u = c.prepareStatement(
                        "UPDATE subscription_secrets SET secret = ? WHERE subscription_id = ?")) {
            u.setString(1, value);
            u.setObject(2, subscription);
            assertThat(u.executeUpdate()).isPositive();
        }
    }
}
