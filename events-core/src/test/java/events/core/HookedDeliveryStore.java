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
 * Delegates to a working store, running a hook before each queueing (which may throw to make it fail) and keeping
 * how many deliveries each queueing asked for and each cursor move, counts heartbeats and keeps the deliveries of
 * events (not validations) it claimed.
 */
public final class HookedDeliveryStore implements DeliveryStore {
    /** A cursor move asked for: the cursor expected, the cursor it moves to. */
    public record CursorMove(long expectedCursor, long cursor) {
    }

    /** How many deliveries each queueing asked for. */
    public final List<Integer> queueings = new CopyOnWriteArrayList<>();
    public final List<CursorMove> cursorMoves = new CopyOnWriteArrayList<>();
    public final AtomicInteger heartbeats = new AtomicInteger();
    public final List<Delivery> claimedEvents = new CopyOnWriteArrayList<>();
    private final DeliveryStore delegate;
    private final AtomicReference<Runnable> beforeQueue = new AtomicReference<>(() -> { });

    public HookedDeliveryStore(DeliveryStore delegate) {
        this.delegate = delegate;
    }

    public void beforeQueue(Runnable hook) {
        beforeQueue.set(hook);
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
    public boolean moveDispatchCursor(EndpointPartitions partitions, long expectedCursor, long cursor) {
        cursorMoves.add(new CursorMove(expectedCursor, cursor));
        return delegate.moveDispatchCursor(partitions, expectedCursor, cursor);
    }

    @Override
    public List<Delivery> queue(Collection<NewDelivery> deliveries, Instant dueAt) {
        queueings.add(deliveries.size());
        beforeQueue.get().run();
        return delegate.queue(deliveries, dueAt);
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
