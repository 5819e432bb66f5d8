package events.adapters.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import events.domain.CloudEvent;
import events.domain.Subscription;
import events.domain.SubscriptionRequest;
import events.domain.UnableToAccessSubscriptionsException;
import events.domain.UnableToStoreEventException;
import events.domain.WebhookSecret;
import events.testkit.TestEvents;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the stores' failures say, in what they throw and in what they log: never a value of the failed statement.
 * Jdbi renders a statement's bound arguments into its exception messages, H2 quotes the offending values in its
 * own (a value too long, a unique key), PostgreSQL the key of a unique violation; a webhook signing secret or an
 * event's content would reach the log of whoever logs the failure. Each test makes the database refuse a write
 * for real (a column narrowed, a unique index added) and reads everything the failure says.
 */
abstract class FailureMessagesContract {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Instant T0 = Instant.parse("2026-11-27T10:15:30.123Z");

    private JdbcStores stores;

    /** Fresh stores on a fresh, migrated database; closed after each test. */
    abstract JdbcStores open();

    private JdbcStores stores() {
        if (stores == null) {
            stores = open();
        }
        return stores;
    }

    @AfterEach
    void close() {
        if (stores != null) {
            stores.close();
        }
    }

    @Test
    void aSecretTheDatabaseRefusesFailsTheCreateWithoutNamingIt() {
        execute("ALTER TABLE subscription_secrets ALTER COLUMN secret SET DATA TYPE VARCHAR(8)");
        WebhookSecret secret = WebhookSecret.generate(RANDOM);

        try (RecordingLog log = new RecordingLog()) {
            Throwable failure = catchThrowable(() -> stores().subscriptionStore()
                    .createIfAbsent(subscription(), secret));

            assertThat(failure).isInstanceOf(UnableToAccessSubscriptionsException.class);
            assertSaysNothingOf(failure, log, secret.value());
        }
    }

    @Test
    void aSecretClashingWithAStoredOneFailsTheCreateAndTheRotationWithoutNamingIt() {
        execute("CREATE UNIQUE INDEX subscription_secrets_once ON subscription_secrets (secret)");
        WebhookSecret secret = WebhookSecret.generate(RANDOM);
        Subscription first = subscription();
        assertThat(stores().subscriptionStore().createIfAbsent(first, secret).created()).isTrue();

        try (RecordingLog log = new RecordingLog()) {
            Throwable create = catchThrowable(() -> stores().subscriptionStore()
                    .createIfAbsent(subscription(), secret));
            Throwable rotate = catchThrowable(() -> stores().subscriptionStore()
                    .rotateSecret(first.id(), secret, T0.plusSeconds(60)));

            assertThat(create).isInstanceOf(UnableToAccessSubscriptionsException.class);
            assertThat(rotate).isInstanceOf(UnableToAccessSubscriptionsException.class);
            assertSaysNothingOf(create, log, secret.value());
            assertSaysNothingOf(rotate, log, secret.value());
        }
    }

    @Test
    void anEventTooLongForAColumnFailsTheAppendAndIsLoggedWithoutItsContent() {
        assertAFailedAppendSaysNothingOfTheEvent("ALTER TABLE events ALTER COLUMN subject SET DATA TYPE VARCHAR(16)");
    }

    @Test
    void anEventFailingACheckFailsTheAppendAndIsLoggedWithoutItsContent() {
        assertAFailedAppendSaysNothingOfTheEvent(
                "ALTER TABLE events ADD CONSTRAINT events_short_subject CHECK (CHAR_LENGTH(subject) <= 16)");
    }

    private void assertAFailedAppendSaysNothingOfTheEvent(String refusal) {
        execute(refusal);
        String subjectMarker = "subject-" + UUID.randomUUID();
        String dataMarker = "data-" + UUID.randomUUID();
        CloudEvent event = TestEvents.anEvent().subject("/party/1337/" + subjectMarker)
                .jsonData("{\"note\":\"" + dataMarker + "\"}").build();

        try (RecordingLog log = new RecordingLog()) {
            Throwable failure = catchThrowable(() -> stores().eventStore().append(List.of(event)));

            assertThat(failure).isInstanceOf(UnableToStoreEventException.class);
            assertThat(log.everything()).as("the append's failure is logged").isNotEmpty();
            assertSaysNothingOf(failure, log, subjectMarker);
            assertSaysNothingOf(failure, log, dataMarker);
        }
    }

    @Test
    void aFailureStillSaysWhatFailedWithoutTheValues() {
        execute("ALTER TABLE subscription_secrets ALTER COLUMN secret SET DATA TYPE VARCHAR(8)");

        Throwable failure = catchThrowable(() -> stores().subscriptionStore()
                .createIfAbsent(subscription(), WebhookSecret.generate(RANDOM)));

        assertThat(everythingSaidBy(failure)).contains("unable to create subscription")
                .contains("INSERT INTO subscription_secrets").contains("SQLState 22001");
    }

    private static void assertSaysNothingOf(Throwable failure, RecordingLog log, String value) {
        assertThat(everythingSaidBy(failure)).doesNotContain(value);
        assertThat(log.everything()).noneSatisfy(line -> assertThat(line).contains(value));
    }

    /** The failure as {@code printStackTrace} shows it: every message, cause and suppressed exception. */
    static String everythingSaidBy(Throwable failure) {
        StringWriter out = new StringWriter();
        failure.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    private static Subscription subscription() {
        return Subscription.create(UUID.randomUUID(), "/org/ttd", new SubscriptionRequest(
                "https://hooks.example.com/" + UUID.randomUUID(), TestEvents.RESOURCE, "/party/1337", null, null, null,
                List.of()), T0);
    }

    private void execute(String sql) {
        try (Connection c = stores().dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
