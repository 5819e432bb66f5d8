package events.ports;

import events.domain.Delivery;
import events.domain.DeliveryAttempt;
import events.domain.DeliveryStatus;
import events.domain.EndpointPartitions;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The durable delivery queue. A delivery is one event (or a subscription's validation event) for one subscription;
 * it is pending until an attempt succeeds, it is dead-lettered, denied or cancelled. A pending delivery is due at its
 * {@code nextAttemptAt}; whoever takes it moves that time past the expected end of its attempt (a lease), so that a
 * process that dies mid-attempt leaves it due again.
 *
 * <p>Implementations are thread-safe; several processes may share one queue.
 */
public interface DeliveryQueue {

    /**
     * The dispatch cursor of every endpoint partition, indexed by partition ({@link EndpointPartitions#COUNT}
     * values): every event with a sequence up to a partition's cursor has had its deliveries to the endpoints of
     * that partition queued. 0 at first.
     */
    long[] dispatchCursors();

    /** The lowest dispatch cursor: every event up to it has had all its deliveries queued. */
    default long dispatchCursor() {
        return java.util.Arrays.stream(dispatchCursors()).min().orElse(0);
    }

    /**
     * Moves the dispatch cursor of every partition in {@code partitions} from {@code expectedCursor} to {@code
     * cursor}, all or none.
     *
     * @return false, having moved none, when one of them was not at {@code expectedCursor} (another process moved it)
     * @throws IllegalArgumentException when {@code cursor} is below {@code expectedCursor}
     */
    boolean moveDispatchCursor(EndpointPartitions partitions, long expectedCursor, long cursor);

    /**
     * Queues deliveries of events. A delivery already queued for the same subscription and event is left as it is, so
     * that events dispatched twice (by two processes while a partition changes hands, or again after a crash, from a
     * cursor that had not been moved past them) are queued once; none is queued for a subscription that does not
     * exist (deleted meanwhile). The new deliveries are due at their own {@link NewDelivery#dueAt}, or where that is
     * null at {@code dueAt}.
     *
     * @return the deliveries queued by this call (not those that already existed)
     */
    List<Delivery> queue(Collection<NewDelivery> deliveries, Instant dueAt);

    /**
     * Queues the validation delivery of a subscription (event sequence {@link Delivery#VALIDATION}, event id
     * {@link Delivery#validationEventId}) unless it is already queued or the subscription does not exist. Returns it
     * when this call queued it.
     */
    Optional<Delivery> queueValidation(UUID subscriptionId, Instant dueAt);

    /**
     * Takes up to {@code limit} pending deliveries due at {@code now} (earliest first) whose subscription's endpoint
     * is in one of {@code partitions} ({@link EndpointPartitions#partitionOf}) and whose subscription is not one of
     * {@code skipping}, and moves their due time to {@code leaseUntil}.
     */
    List<Delivery> claimDue(Instant now, int limit, Instant leaseUntil, EndpointPartitions partitions,
            Set<UUID> skipping);

    /**
     * When the earliest pending delivery to an endpoint in one of {@code partitions}, of a subscription not one of
     * {@code skipping}, is due, or empty when none is pending.
     */
    Optional<Instant> nextDue(EndpointPartitions partitions, Set<UUID> skipping);

    /**
     * Records attempts and the deliveries' new states, all in one transaction: for each, {@code status} with,
     * while still pending, the time of its next attempt. Attempts on a delivery that is no longer pending
     * (deleted subscription, cancelled) are dropped.
     */
    void recordAttempts(List<AttemptRecord> records);

    /** {@link #recordAttempts} of one attempt. */
    default void recordAttempt(DeliveryAttempt attempt, DeliveryStatus status, Instant nextAttemptAt) {
        recordAttempts(List.of(new AttemptRecord(attempt, status, nextAttemptAt)));
    }

    /**
     * Takes back a claim: the pending deliveries among {@code deliveryIds} are due at {@code dueAt} instead of at the
     * end of their lease (the claimer could not attempt them after all).
     */
    void unclaim(Collection<Long> deliveryIds, Instant dueAt);

    /** Ends a pending delivery without an attempt (denied by policy, or cancelled); nothing if not pending. */
    void finish(long deliveryId, DeliveryStatus status);

    /** Cancels every pending delivery of the subscription (it was disabled). Returns how many. */
    int cancelPending(UUID subscriptionId);

    /**
     * Makes every dead-lettered delivery of the subscription pending again, due at {@code dueAt}, with its
     * attempts counted afresh. Returns how many.
     */
    int redrive(UUID subscriptionId, Instant dueAt);

    /**
     * An attempt and what it leaves the delivery in.
     *
     * @param nextAttemptAt when {@code status} is pending, when to try again; else null
     */
    record AttemptRecord(DeliveryAttempt attempt, DeliveryStatus status, Instant nextAttemptAt) {
        public AttemptRecord {
            Objects.requireNonNull(attempt, "attempt");
            Objects.requireNonNull(status, "status");
        }
    }

    /** A delivery's subscription and event: no two deliveries have the same. */
    record Key(UUID subscriptionId, long eventSequence) {
        public Key {
            Objects.requireNonNull(subscriptionId, "subscriptionId");
        }

        /** The key of {@code delivery}. */
        public static Key of(Delivery delivery) {
            return new Key(delivery.subscriptionId(), delivery.eventSequence());
        }
    }

    /**
     * A delivery to queue: the subscription, the event's sequence and the event's {@code id}, and when it is due
     * (null: when the dispatch says).
     */
    record NewDelivery(UUID subscriptionId, long eventSequence, String eventId, Instant dueAt) {
        /** Due when the dispatch says. */
        public NewDelivery(UUID subscriptionId, long eventSequence, String eventId) {
            this(subscriptionId, eventSequence, eventId, null);
        }

        /** When it is due, given the dispatch's {@code dueAt}. */
        public Instant dueAt(Instant dispatchDueAt) {
            return dueAt != null ? dueAt : dispatchDueAt;
        }
    }
}
