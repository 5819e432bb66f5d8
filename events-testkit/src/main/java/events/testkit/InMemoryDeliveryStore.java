package events.testkit;

import events.domain.Delivery;
import events.domain.DeliveryAttempt;
import events.domain.DeliveryStatus;
import events.domain.EndpointPartitions;
import events.ports.DeliveryStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/** A working {@link DeliveryStore} in memory. Thread-safe (every method is synchronized). */
public final class InMemoryDeliveryStore implements DeliveryStore {
    private final TreeMap<Long, Delivery> deliveries = new TreeMap<>();
    private final Map<Key, Long> byKey = new java.util.HashMap<>();
    private final TreeMap<Long, DeliveryAttempt> attempts = new TreeMap<>();
    /**
     * The subscriptions that exist and their endpoint's partition, once an {@link InMemorySubscriptionStore} keeps
     * them; null: every one does, in no known partition (claimed only by a claim of every partition).
     */
    private Map<UUID, Integer> subscriptions;
    /** The delivering processes and until when each is alive. */
    private final Map<UUID, Instant> nodes = new java.util.HashMap<>();
    private final long[] cursors = new long[EndpointPartitions.COUNT];
    private long lastDeliveryId;
    private long lastAttemptId;

    @Override
    public synchronized long[] dispatchCursors() {
        return cursors.clone();
    }

    @Override
    public synchronized List<UUID> heartbeat(UUID node, Instant now, Instant aliveUntil) {
        nodes.put(node, aliveUntil);
        return nodes.entrySet().stream().filter(e -> !e.getValue().isBefore(now)).map(Map.Entry::getKey).toList();
    }

    @Override
    public synchronized void leave(UUID node) {
        nodes.remove(node);
    }

    @Override
    public synchronized int deleteBefore(Instant cutoff, int limit) {
        // As the JDBC store: of the oldest rows (a window of at most limit), those due.
        int deleted = 0;
        for (DeliveryAttempt a : attempts.values().stream().limit(limit).toList()) {
            if (a.at().isBefore(cutoff)) {
                attempts.remove(a.id());
                deleted++;
            }
        }
        for (Delivery d : deliveries.values().stream().filter(d -> !d.isValidation()).limit(limit).toList()) {
            if (d.created().isBefore(cutoff)) {
                deliveries.remove(d.id());
                byKey.remove(new Key(d.subscriptionId(), d.eventSequence()));
                deleted++;
            }
        }
        return deleted;
    }

    @Override
    public synchronized boolean moveDispatchCursor(EndpointPartitions partitions, long expectedCursor, long newCursor) {
        if (newCursor < expectedCursor) {
            throw new IllegalArgumentException("the dispatch cursor never goes back");
        }
        List<Integer> moving = partitions.toList();
        if (moving.isEmpty() || moving.stream().anyMatch(p -> cursors[p] != expectedCursor)) {
            return false;
        }
        moving.forEach(p -> cursors[p] = newCursor);
        return true;
    }

    @Override
    public synchronized List<Delivery> queue(Collection<NewDelivery> newDeliveries, Instant dueAt) {
        List<Delivery> queued = new ArrayList<>();
        for (NewDelivery d : newDeliveries) {
            queue(d.subscriptionId(), d.eventSequence(), d.eventId(), d.dueAt(dueAt), dueAt).ifPresent(queued::add);
        }
        return queued;
    }

    @Override
    public synchronized Optional<Delivery> queueValidation(UUID subscriptionId, Instant dueAt) {
        return queue(subscriptionId, Delivery.VALIDATION, Delivery.validationEventId(subscriptionId), dueAt, dueAt);
    }

    private Optional<Delivery> queue(UUID subscriptionId, long sequence, String eventId, Instant dueAt,
            Instant created) {
        Key key = new Key(subscriptionId, sequence);
        if (byKey.containsKey(key) || subscriptions != null && !subscriptions.containsKey(subscriptionId)) {
            return Optional.empty();
        }
        Delivery d = new Delivery(++lastDeliveryId, subscriptionId, sequence, eventId, 0, DeliveryStatus.PENDING, dueAt,
                created);
        deliveries.put(d.id(), d);
        byKey.put(key, d.id());
        return Optional.of(d);
    }

    @Override
    public synchronized List<Delivery> claimDue(Instant now, int limit, Instant leaseUntil,
            EndpointPartitions partitions, Set<UUID> skipping) {
        List<Delivery> due = deliveries.values().stream()
                .filter(d -> d.status() == DeliveryStatus.PENDING && !d.nextAttemptAt().isAfter(now))
                .filter(d -> inPartitions(d, partitions) && !skipping.contains(d.subscriptionId()))
                .sorted(Comparator.comparing(Delivery::nextAttemptAt).thenComparing(Delivery::id))
                .limit(limit)
                .toList();
        List<Delivery> claimed = new ArrayList<>();
        for (Delivery d : due) {
            Delivery leased = d.with(d.attempts(), d.status(), leaseUntil);
            deliveries.put(d.id(), leased);
            claimed.add(leased);
        }
        return claimed;
    }

    @Override
    public synchronized Optional<Instant> nextDue(EndpointPartitions partitions, Set<UUID> skipping) {
        return deliveries.values().stream().filter(d -> d.status() == DeliveryStatus.PENDING)
                .filter(d -> inPartitions(d, partitions) && !skipping.contains(d.subscriptionId()))
                .map(Delivery::nextAttemptAt).min(Comparator.naturalOrder());
    }

    private boolean inPartitions(Delivery d, EndpointPartitions partitions) {
        if (partitions.isAll()) {
            return true;
        }
        Integer partition = subscriptions == null ? null : subscriptions.get(d.subscriptionId());
        return partition != null && partitions.contains(partition);
    }

    @Override
    public synchronized void recordAttempts(List<AttemptRecord> records) {
        for (AttemptRecord r : records) {
            Delivery d = deliveries.get(r.attempt().deliveryId());
            if (d == null || d.status() != DeliveryStatus.PENDING) {
                continue;
            }
            DeliveryAttempt stored = r.attempt().withId(++lastAttemptId);
            attempts.put(stored.id(), stored);
            deliveries.put(d.id(), d.with(r.attempt().attempt(), r.status(),
                    r.nextAttemptAt() == null ? d.nextAttemptAt() : r.nextAttemptAt()));
        }
    }

    @Override
    public synchronized void unclaim(Collection<Long> deliveryIds, Instant dueAt) {
        for (long id : deliveryIds) {
            Delivery d = deliveries.get(id);
            if (d != null && d.status() == DeliveryStatus.PENDING) {
                deliveries.put(id, d.with(d.attempts(), d.status(), dueAt));
            }
        }
    }

    @Override
    public synchronized void finish(long deliveryId, DeliveryStatus status) {
        Delivery d = deliveries.get(deliveryId);
        if (d != null && d.status() == DeliveryStatus.PENDING) {
            deliveries.put(d.id(), d.with(d.attempts(), status, d.nextAttemptAt()));
        }
    }

    @Override
    public synchronized int cancelPending(UUID subscriptionId) {
        int n = 0;
        for (Delivery d : List.copyOf(deliveries.values())) {
            if (d.subscriptionId().equals(subscriptionId) && d.status() == DeliveryStatus.PENDING) {
                finish(d.id(), DeliveryStatus.CANCELLED);
                n++;
            }
        }
        return n;
    }

    @Override
    public synchronized List<DeliveryAttempt> attempts(UUID subscriptionId, long before, int limit) {
        return attempts.headMap(before, false).descendingMap().values().stream()
                .filter(a -> a.subscriptionId().equals(subscriptionId)).limit(limit).toList();
    }

    @Override
    public synchronized List<Delivery> deadLetters(UUID subscriptionId, long after, int limit) {
        return deliveries.tailMap(after, false).values().stream()
                .filter(d -> d.subscriptionId().equals(subscriptionId) && d.status() == DeliveryStatus.DEAD)
                .limit(limit).toList();
    }

    @Override
    public synchronized int redrive(UUID subscriptionId, Instant dueAt) {
        int n = 0;
        for (Delivery d : List.copyOf(deliveries.values())) {
            if (d.subscriptionId().equals(subscriptionId) && d.status() == DeliveryStatus.DEAD) {
                deliveries.put(d.id(), d.with(0, DeliveryStatus.PENDING, dueAt));
                n++;
            }
        }
        return n;
    }

    /** From now on only subscriptions {@link #subscriptionCreated} and not deleted exist. */
    synchronized void keepSubscriptions() {
        if (subscriptions == null) {
            subscriptions = new java.util.HashMap<>();
        }
    }

    synchronized void subscriptionCreated(UUID subscriptionId, String endPoint) {
        keepSubscriptions();
        subscriptions.put(subscriptionId, EndpointPartitions.partitionOf(endPoint));
    }

    /** Forgets the subscription's deliveries and attempts (the subscription was deleted). */
    synchronized void deleteSubscription(UUID subscriptionId) {
        if (subscriptions != null) {
            subscriptions.remove(subscriptionId);
        }
        deliveries.values().removeIf(d -> d.subscriptionId().equals(subscriptionId));
        byKey.keySet().removeIf(k -> k.subscriptionId().equals(subscriptionId));
        attempts.values().removeIf(a -> a.subscriptionId().equals(subscriptionId));
    }

    /** Every delivery, for tests. */
    public synchronized List<Delivery> all() {
        return List.copyOf(deliveries.values());
    }
}
