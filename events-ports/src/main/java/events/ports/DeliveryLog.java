package events.ports;

import events.domain.Delivery;
import events.domain.DeliveryAttempt;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What became of deliveries, as their subscription's owner reads it (the attempts, the dead letters), and its
 * retention. Implementations are thread-safe.
 */
public interface DeliveryLog {

    /**
     * Retention: of the {@code limit} oldest delivery attempts, deletes those made before {@code cutoff}, and of
     * the {@code limit} oldest deliveries other than validations, those queued before it, whatever their status (by then their event is
     * due for deletion too, so none of them could be attempted again); validation deliveries are kept. Short
     * transactions, so that nothing else is held up. Returns how many rows were deleted; call again until none are.
     */
    int deleteBefore(Instant cutoff, int limit);

    /**
     * The subscription's attempts, newest first: those with an id below {@code before} ({@code Long.MAX_VALUE}
     * for the newest), at most {@code limit}.
     */
    List<DeliveryAttempt> attempts(UUID subscriptionId, long before, int limit);

    /** The subscription's dead-lettered deliveries with an id above {@code after}, oldest first, at most {@code limit}. */
    List<Delivery> deadLetters(UUID subscriptionId, long after, int limit);
}
