package events.ports;

import events.domain.CloudEvent;
import events.domain.EventFilter;
import events.domain.StoredEvent;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Durable, append-only storage of events. Implementations are thread-safe.
 *
 * <p>Cursor contract: sequences grow with commit order, so once {@link #read} has returned an event with
 * sequence {@code n}, no event with a sequence {@code <= n} can appear later. A reader that follows
 * {@link EventScan#next()} therefore sees every event exactly once, whatever the concurrency of writers.
 */
public interface EventStore {

    /**
     * Stores the events all-or-nothing and returns only once they are durable. An event whose
     * ({@code source}, {@code id}) is already stored, or repeated earlier in the same list, is acknowledged
     * and not stored again.
     *
     * @return the newly stored events, in sequence order (duplicates left out)
     * @throws events.domain.UnableToStoreEventException when nothing could be stored
     */
    List<StoredEvent> append(List<CloudEvent> events);

    /**
     * {@link #append} without blocking the caller: the future completes once the events are durable, or
     * fails with {@link events.domain.UnableToStoreEventException}. The default runs {@link #append} at once.
     */
    default CompletableFuture<List<StoredEvent>> appendAsync(List<CloudEvent> events) {
        try {
            return CompletableFuture.completedFuture(append(events));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Examines, in sequence order, the events of {@code filter.resource()} with sequence greater than
     * {@code after} that have the filter's subject and alternative subject (when it names them), at most
     * {@code examineAtMost} of them, and returns those whose type matches the filter, stopping at the
     * {@code size}th. {@link EventScan#next()} is the sequence of the last event examined ({@code after} when
     * none was), so whatever the caller's filter, hidden or not, a store read costs at most
     * {@code examineAtMost} events, however many are stored. A store may stop sooner, after one event at least, to
     * bound work of its own (matching long types against long patterns); {@code next} still says where it stopped.
     *
     * @throws events.domain.UnableToReadEventsException when storage cannot answer
     */
    EventScan read(EventFilter filter, long after, int size, int examineAtMost);

    /**
     * Up to {@code limit} events of every resource with sequence greater than {@code after}, in sequence
     * order (the delivery dispatcher's feed; the same cursor contract as {@link #read}).
     *
     * @throws events.domain.UnableToReadEventsException when storage cannot answer
     */
    List<StoredEvent> readAll(long after, int limit);

    /**
     * The greatest sequence stored, or 0 when nothing is. The same cursor contract as {@link #read}: no event
     * with a sequence {@code <=} the answer can appear later (the dispatcher's way past events it need not read
     * because no subscription could want them).
     *
     * @throws events.domain.UnableToReadEventsException when storage cannot answer
     */
    long lastSequence();

    /**
     * The stored events with these sequences, in sequence order; sequences not stored are left out.
     *
     * @throws events.domain.UnableToReadEventsException when storage cannot answer
     */
    List<StoredEvent> get(java.util.Collection<Long> sequences);

    /**
     * Retention: of the {@code limit} oldest events (lowest sequences), deletes those stored before
     * {@code cutoff} with a sequence up to {@code maxSequence} (the delivery dispatcher's position: an event not
     * yet dispatched is kept), in one short transaction, so that publishers are not held up. Returns how many
     * were deleted; call again until none are. Sequences are never given out again, and a deleted event's
     * ({@code source}, {@code id}) can be stored anew.
     *
     * @throws events.domain.UnableToStoreEventException when storage cannot answer
     */
    int deleteStoredBefore(java.time.Instant cutoff, long maxSequence, int limit);

    /** Whether storage answers right now (readiness). Never throws. */
    boolean isAvailable();
}
