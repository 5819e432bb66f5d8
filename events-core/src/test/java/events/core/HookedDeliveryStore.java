package events.core;

import events.domain.Delivery;
import events.domain.DeliveryAttempt;
import events.domain.EndpointPartitions;
import events.ports.DeliveryStore;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Delegates to a working store, running a hook before each dispatch (which may throw to make it fail) and keeping
 * each dispatch asked for, counts heartbeats and keeps the deliveries of events (not validations) it claimed.
 */
public final class HookedDeliveryStore implements DeliveryStore {
    /** A dispatch asked for: the cursor expected, the cursor it moves to, how many deliveries it queues. */
    public record Dispatch(long expectedCursor, long cursor, int deliveries) {
    }

    public final List<Dispatch> dispatches = new CopyOnWriteArrayList<>();
    public final AtomicInteger heartbeats = new AtomicInteger();
    public final List<Delivery> claimedEvents = new CopyOnWriteArrayList<>();
    private final DeliveryStore delegate;
    private final AtomicReference<Runnable> beforeDispatch = new AtomicReference<>(() -> { });

    public HookedDeliveryStore(DeliveryStore delegate) {
        this.delegate = delegate;
    }

    public void beforeDispatch(Runnable hook) {
        beforeDispatch.set(hook);
    }

    @Override
    public long[] dispatchCursors() {
        return delegate.dispatchCursors();
    }

    @Override
    public int deleteBefore(Instant cutoff, int limit) {
        return delegate.deleteBefore(cutoff, limit);
    }

    @Override
    public Optional<List<Delivery>> dispatch(EndpointPartitions partitions, long expectedCursor, long cursor,
            Collection<NewDelivery> deliveries, Instant dueAt) {
        dispatches.add(new Dispatch(expectedCursor, cursor, deliveries.size()));
        beforeDispatch.get().run();
        return delegate.dispatch(partitions, expectedCursor, cursor, deliveries, dueAt);
    }

    @Override
    public Optional<Delivery> queueValidation(UUID subscriptionId, Instant dueAt) {
        return delegate.queueValidation(subscriptionId, dueAt);
    }

    @Override
    public List<Delivery> claimDue(Instant now, int limit, Instant leaseUntil, EndpointPartitions partitions,
            Set<UUID> skipping) {
        List<Delivery> claimed = delegate.claimDue(now, limit, leaseUntil, partitions, skipping);
        claimed.stream().filter(d -> !d.isValidation()).forEach(claimedEvents::add);
        return claimed;
    }

    @Override
    public Optional<Instant> nextDue(EndpointPartitions partitions, Set<UUID> skipping) {
        return delegate.nextDue(partitions, skipping);
    }

    @Override
    public List<UUID> heartbeat(UUID node, Instant now, Instant aliveUntil) {
        heartbeats.incrementAndGet();
        return delegate.heartbeat(node, now, aliveUntil);
    }

    @Override
    public void leave(UUID node) {
        delegate.leave(node);
    }

    @Override
    public void recordAttempts(List<AttemptRecord> records) {
        delegate.recordAttempts(records);
    }

    @Override
    public void unclaim(Collection<Long> deliveryIds, Instant dueAt) {
        delegate.unclaim(deliveryIds, dueAt);
    }

    @Override
    public void finish(long deliveryId, events.domain.DeliveryStatus status) {
        delegate.finish(deliveryId, status);
    }

    @Override
    public int cancelPending(UUID subscriptionId) {
        return delegate.cancelPending(subscriptionId);
    }

    @Override
    public List<DeliveryAttempt> attempts(UUID subscriptionId, long before, int limit) {
        return delegate.attempts(subscriptionId, before, limit);
    }

    @Override
    public List<Delivery> deadLetters(UUID subscriptionId, long after, int limit) {
        return delegate.deadLetters(subscriptionId, after, limit);
    }

    @Override
    public int redrive(UUID subscriptionId, Instant dueAt) {
        return delegate.redrive(subscriptionId, dueAt);
    }
}
