package events.core.delivery;

import events.domain.EndpointPartitions;
import events.ports.DeliveryNodes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This process among the delivering processes: it heartbeats ({@link DeliveryNodes#heartbeat}) and owns the endpoint
 * partitions {@link PartitionOwners} gives it among those alive. Every attempt to an endpoint comes from the owner of
 * its partition, so the bound on concurrent attempts to one endpoint holds across processes (while processes join or
 * leave, two may briefly each think they own a partition). A process alone owns them all.
 */
final class NodeMembership {
    private static final Logger LOG = LoggerFactory.getLogger(NodeMembership.class);
    /**
     * How long a process counts as alive after its last heartbeat. It also owns nothing itself once its own last
     * heartbeat is that old (it cannot reach the store, and the others will have taken over).
     */
    static final Duration NODE_ALIVE = Duration.ofSeconds(10);
    /** How often a process heartbeats. */
    static final Duration HEARTBEAT = Duration.ofSeconds(1);

    private final UUID node = UUID.randomUUID();
    private final DeliveryNodes store;
    private final Clock clock;
    /** Told when this process gains partitions: what is due in them is its to attempt now. */
    private final Runnable gained;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile EndpointPartitions owned = EndpointPartitions.NONE;
    private volatile Instant ownedUntil = Instant.MIN;
    private volatile Instant heartbeatAt = Instant.MIN;
    /** Since when this process has owned {@link #owned} without a break (a change, or heartbeats that lapsed). */
    private volatile Instant ownedSince = Instant.MAX;
    /** When its last heartbeat was written. */
    private volatile Instant heartbeatWritten = Instant.MIN;
    private volatile boolean left;

    NodeMembership(DeliveryNodes store, Clock clock, Runnable gained) {
        this.store = store;
        this.clock = clock;
        this.gained = gained;
    }

    /**
     * The partitions this process owns now, heartbeating first when one is due. Never blocks on another thread's
     * heartbeat: it then answers with what that one last found.
     */
    EndpointPartitions ownership(Instant now) {
        if (!left && !now.isBefore(heartbeatAt) && lock.tryLock()) {
            try {
                if (!now.isBefore(heartbeatAt)) {
                    heartbeat(now);
                }
            } finally {
                lock.unlock();
            }
        }
        return owned(now);
    }

    /** The partitions this process owns as of its last heartbeat. */
    EndpointPartitions owned(Instant now) {
        return now.isBefore(ownedUntil) ? owned : EndpointPartitions.NONE;
    }

    /**
     * Since when this process has owned the partitions it owns, without a break: a change of them, or heartbeats
     * that lapsed for {@link #NODE_ALIVE} (when the others took them over) start it again. {@link Instant#MAX} before
     * its first heartbeat.
     */
    Instant ownedSince() {
        return ownedSince;
    }

    /** Whether this process's heartbeats are current: its last one was written within two {@link #HEARTBEAT}s. */
    boolean heartbeatsCurrent(Instant now) {
        return now.isBefore(heartbeatWritten.plus(HEARTBEAT.multipliedBy(2)));
    }

    /** Heartbeats when one is due; for a schedule of its own, so that no busy worker holds it up. */
    void heartbeatIfDue() {
        try {
            ownership(clock.instant());
        } catch (RuntimeException e) {
            LOG.warn("heartbeat failed: {}", e.toString());
        }
    }

    /** Stops delivering: the others take this process's partitions at their next heartbeat. */
    void leave() {
        left = true;
        try {
            store.leave(node);
        } catch (RuntimeException e) {
            LOG.debug("could not leave the delivering processes: {}", e.toString());
        }
    }

    private void heartbeat(Instant now) {
        heartbeatAt = now.plus(HEARTBEAT);
        List<UUID> alive;
        try {
            alive = store.heartbeat(node, now, now.plus(NODE_ALIVE));
        } catch (RuntimeException e) {
            LOG.warn("could not write this process's heartbeat; it keeps its endpoint partitions until {}: {}",
                    ownedUntil, e.toString());
            return;
        }
        EndpointPartitions before = owned(now); // none once they lapsed
        EndpointPartitions owning = PartitionOwners.ownedBy(node, alive);
        if (!owning.equals(before)) {
            ownedSince = now;
        }
        owned = owning;
        ownedUntil = now.plus(NODE_ALIVE);
        heartbeatWritten = now;
        if (!owning.equals(before)) {
            LOG.info("this process delivers to the endpoints of {} ({} delivering processes)", owning,
                    Math.max(1, alive.size()));
            if (before.lacksSomeOf(owning)) {
                gained.run();
            }
        }
    }
}
