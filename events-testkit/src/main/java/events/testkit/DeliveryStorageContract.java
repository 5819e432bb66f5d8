package events.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import events.domain.Delivery;
import events.domain.DeliveryAttempt;
import events.ports.DeliveryQueue.NewDelivery;
import events.ports.DeliveryStore;
import events.ports.SubscriptionStore;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * What the contracts of a {@link DeliveryStore}'s ports ({@link DeliveryQueueContract}, {@link DeliveryLogContract},
 * {@link DeliveryNodesContract}) share: {@link #newStorage()}, a fresh, empty delivery store with the subscription
 * store whose subscriptions its deliveries belong to (the tests create subscriptions there first, and deleting one
 * must delete its deliveries and attempts), and helpers.
 *
 * <p>Adapters whose storage can be shared by several processes override {@link #storagesSharingOneDatabase()},
 * so that the concurrency tests go through several store instances.
 *
 * <p>Times are whole milliseconds: databases keep microseconds.
 */
public abstract class DeliveryStorageContract {
    static final Instant T0 = SubscriptionStoreContract.T0;
    static final Instant LEASE = T0.plusSeconds(60);

    /** A delivery store and the subscription store of the same storage. */
    public record Storage(SubscriptionStore subscriptions, DeliveryStore deliveries) {
    }

    /** A fresh, empty storage. Called once or more per test; the subclass closes what it opened. */
    protected abstract Storage newStorage();

    /** Several instances on one fresh, empty storage, as several server nodes would have them. Default: one. */
    protected List<Storage> storagesSharingOneDatabase() {
        return List.of(newStorage());
    }

    /** Creates a subscription (to an endpoint named by {@code name}) in the storage and returns its id. */
    static UUID subscription(Storage storage, String name) {
        return SubscriptionStoreContract.created(storage.subscriptions(), "https://hooks.example.com/" + name, T0).id();
    }

    /** Queues one delivery of event {@code seq} for the subscription, due at {@code dueAt}. */
    static Delivery queue(DeliveryStore store, UUID subscription, long seq, Instant dueAt) {
        List<Delivery> queued = store.queue(List.of(new NewDelivery(subscription, seq, "e" + seq)), dueAt);
        assertThat(queued).hasSize(1);
        return queued.get(0);
    }

    static DeliveryAttempt attempt(Delivery d, int n, Instant at, Integer statusCode, String error) {
        return new DeliveryAttempt(0, d.subscriptionId(), d.id(), d.eventId(), n, at, statusCode, error, 42);
    }

    static List<Long> ids(List<Delivery> deliveries) {
        return deliveries.stream().map(Delivery::id).collect(Collectors.toList());
    }
}
