package events.adapters.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import events.domain.Delivery;
import events.domain.DeliveryAttempt;
import events.domain.DeliveryStatus;
import events.domain.EndpointPartitions;
import events.domain.Subscription;
import events.domain.SubscriptionRequest;
import events.domain.SubscriptionStatus;
import events.domain.UnableToAccessSubscriptionsException;
import events.domain.WebhookSecret;
import events.ports.DeliveryQueue.NewDelivery;
import events.ports.DeliveryStore;
import events.ports.SubscriptionStore;
import events.testkit.DeliveryLogContract;
import events.testkit.DeliveryNodesContract;
import events.testkit.DeliveryQueueContract;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DeliveryQueueContract} (and, nested, the log's and the nodes') on an embedded H2 file database, a fresh directory per storage; the tests of
 * shared storage open the same files twice (two pools in this process).
 */
class H2DeliveryStoreTest extends DeliveryQueueContract {
    @TempDir
    Path directory;
    private final List<JdbcStores> opened = new ArrayList<>();

    @Override
    protected Storage newStorage() {
        return open(directory.resolve("db" + opened.size()));
    }

    @Override
    protected List<Storage> storagesSharingOneDatabase() {
        Path db = directory.resolve("shared" + opened.size());
        return List.of(open(db), open(db));
    }

    static final Instant T0 = Instant.parse("2026-11-27T10:15:30.123Z");

    @Test
    void keepsSubscriptionsDeliveriesAttemptsAndTheCursorAfterReopening() {
        Path db = directory.resolve("reopened");
        Subscription s = subscription();
        WebhookSecret secret = WebhookSecret.generate(new SecureRandom());
        Delivery queued;
        long revision;
        try (JdbcStores stores = JdbcStores.h2(db)) {
            stores.subscriptionStore().createIfAbsent(s, secret);
            stores.subscriptionStore().setStatus(s.id(), SubscriptionStatus.ACTIVE, T0);
            revision = stores.subscriptionStore().revision();
            queued = stores.deliveryStore().queue(List.of(new NewDelivery(s.id(), 7, "e7")), T0).get(0);
            stores.deliveryStore().moveDispatchCursor(EndpointPartitions.ALL, 0, 7);
            stores.deliveryStore().recordAttempt(new DeliveryAttempt(0, s.id(), queued.id(), "e7", 1, T0, 500, "HTTP 500",
                    12), DeliveryStatus.PENDING, T0.plusSeconds(10));
        }

        try (JdbcStores stores = JdbcStores.h2(db)) {
            SubscriptionStore subscriptions = stores.subscriptionStore();
            DeliveryStore deliveries = stores.deliveryStore();

            assertThat(subscriptions.active()).containsExactly(s.withStatus(SubscriptionStatus.ACTIVE, T0));
            assertThat(subscriptions.secrets(s.id(), T0)).containsExactly(secret);
            assertThat(subscriptions.revision()).isEqualTo(revision);
            assertThat(deliveries.dispatchCursor()).isEqualTo(7);
            assertThat(deliveries.nextDue(EndpointPartitions.ALL, Set.of())).contains(T0.plusSeconds(10));
            assertThat(deliveries.attempts(s.id(), Long.MAX_VALUE, 10)).hasSize(1);
            assertThat(deliveries.claimDue(T0.plusSeconds(10), 10, T0.plusSeconds(60), EndpointPartitions.ALL, Set.of()))
                    .containsExactly(queued.with(1, DeliveryStatus.PENDING, T0.plusSeconds(60)));
        }
    }

    @Test
    void cutsLongAttemptErrors() {
        Storage storage = open(directory.resolve("errors"));
        Subscription s = subscription();
        storage.subscriptions().createIfAbsent(s, WebhookSecret.generate(new SecureRandom()));
        Delivery d = storage.deliveries().queueValidation(s.id(), T0).orElseThrow();
        String error = "x".repeat(JdbcDeliveryStore.MAX_ERROR_LENGTH) + "cut";

        storage.deliveries().recordAttempt(new DeliveryAttempt(0, s.id(), d.id(), d.eventId(), 1, T0, null, error, 5),
                DeliveryStatus.PENDING, T0);

        assertThat(storage.deliveries().attempts(s.id(), Long.MAX_VALUE, 1)).singleElement()
                .satisfies(a -> assertThat(a.error()).isEqualTo(error.substring(0, JdbcDeliveryStore.MAX_ERROR_LENGTH)));
    }

    @Test
    void failsWithUnableToAccessSubscriptionsWhenTheDatabaseIsClosed() {
        JdbcStores stores = JdbcStores.h2(directory.resolve("closed"));
        SubscriptionStore subscriptions = stores.subscriptionStore();
        DeliveryStore deliveries = stores.deliveryStore();
        stores.close();
        UUID id = UUID.randomUUID();

        assertThatThrownBy(() -> subscriptions.createIfAbsent(subscription(), WebhookSecret.generate(new SecureRandom())))
                .isInstanceOf(UnableToAccessSubscriptionsException.class);
        assertThatThrownBy(() -> subscriptions.get(id)).isInstanceOf(UnableToAccessSubscriptionsException.class)
                .hasMessageContaining(id.toString());
        assertThatThrownBy(subscriptions::active).isInstanceOf(UnableToAccessSubscriptionsException.class);
        assertThatThrownBy(subscriptions::revision).isInstanceOf(UnableToAccessSubscriptionsException.class);
        assertThatThrownBy(() -> subscriptions.delete(id)).isInstanceOf(UnableToAccessSubscriptionsException.class);
        assertThatThrownBy(deliveries::dispatchCursor).isInstanceOf(UnableToAccessSubscriptionsException.class);
        assertThatThrownBy(() -> deliveries.moveDispatchCursor(EndpointPartitions.ALL, 0, 1))
                .isInstanceOf(UnableToAccessSubscriptionsException.class);
        assertThatThrownBy(() -> deliveries.claimDue(T0, 10, T0, EndpointPartitions.ALL, Set.of()))
                .isInstanceOf(UnableToAccessSubscriptionsException.class);
        assertThatThrownBy(() -> deliveries.nextDue(EndpointPartitions.ALL, Set.of())).isInstanceOf(UnableToAccessSubscriptionsException.class);
    }

    static Subscription subscription() {
        return Subscription.create(UUID.randomUUID(), "/org/ttd", new SubscriptionRequest("https://hooks.example.com/h2",
                "urn:altinn:resource:ttd-test", null, null, null, null, null), T0);
    }

    private Storage open(Path db) {
        JdbcStores stores = JdbcStores.h2(db);
        opened.add(stores);
        return new Storage(stores.subscriptionStore(), stores.deliveryStore());
    }

    @AfterEach
    void close() {
        opened.forEach(JdbcStores::close);
    }

    /** The {@link DeliveryLogContract} on the same storage. */
    @Nested
    class Log extends DeliveryLogContract {
        @Override
        protected Storage newStorage() {
            return H2DeliveryStoreTest.this.newStorage();
        }
    }

    /** The {@link DeliveryNodesContract} on the same storage. */
    @Nested
    class Nodes extends DeliveryNodesContract {
        @Override
        protected Storage newStorage() {
            return H2DeliveryStoreTest.this.newStorage();
        }

        @Override
        protected List<Storage> storagesSharingOneDatabase() {
            return H2DeliveryStoreTest.this.storagesSharingOneDatabase();
        }
    }
}
