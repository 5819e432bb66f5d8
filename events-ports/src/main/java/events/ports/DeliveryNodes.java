package events.ports;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The bookkeeping of the processes that deliver from one store: who dispatches new events (a lease) and who is
 * alive to share the endpoints out. Implementations are thread-safe; several processes share one.
 */
public interface DeliveryNodes {

    /**
     * Takes or renews the dispatcher's lease for {@code holder}, so that one process at a time dispatches
     * (several dispatchers would each push the same new events before {@link #dispatch}'s compare-and-set
     * decided which one queued them). Succeeds when {@code holder} holds the lease already, when nobody does, or
     * when the holder's lease ran out before {@code now}; the lease then lasts until {@code until}.
     *
     * @return whether {@code holder} holds the lease now
     */
    boolean leaseDispatch(UUID holder, Instant now, Instant until);

    /**
     * Records that the delivering process {@code node} is alive until {@code aliveUntil} and returns every process
     * alive at {@code now}, this one included, in no particular order. Processes share out the endpoint partitions
     * among those alive; one that stops calling this drops out once its time runs out.
     */
    List<UUID> heartbeat(UUID node, Instant now, Instant aliveUntil);

    /** {@code node} stops delivering: it is no longer among the processes alive (those left take over at once). */
    void leave(UUID node);
}
