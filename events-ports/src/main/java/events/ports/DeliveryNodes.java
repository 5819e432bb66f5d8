package events.ports;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The bookkeeping of the processes that deliver from one store: who is alive to share the endpoint partitions
 * out. Implementations are thread-safe; several processes share one.
 */
public interface DeliveryNodes {

    /**
     * Records that the delivering process {@code node} is alive until {@code aliveUntil} and returns every process
     * alive at {@code now}, this one included, in no particular order. Processes share out the endpoint partitions
     * among those alive; one that stops calling this drops out once its time runs out.
     */
    List<UUID> heartbeat(UUID node, Instant now, Instant aliveUntil);

    /** {@code node} stops delivering: it is no longer among the processes alive (those left take over at once). */
    void leave(UUID node);
}
