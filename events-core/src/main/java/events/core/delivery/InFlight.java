package events.core.delivery;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The deliveries this process holds in memory, queued in an endpoint's lane or being attempted, and the bounds on
 * them: in all, at most {@code maxDeliveries} and {@code maxBytes} of events; for one endpoint, at most {@code
 * perEndpoint} deliveries and an eighth of the bytes, so that an endpoint that never answers holds a small share and
 * the others keep the rest. An event larger than a share is still held when its endpoint holds nothing else (and one
 * larger than all the bytes when nothing else is held at all): every delivery can be attempted. The one owner of
 * this state: every part of the engine asks here before it keeps a delivery in memory and tells it when it lets go.
 *
 * <p>An endpoint is <em>busy</em> when it has room for fewer than {@link #claimBatch()} more, or when a delivery to it
 * was refused for want of bytes since its last release: the scheduler claims nothing for busy endpoints, and at most
 * a claim batch per round, so that what it claims for the others fits. Whoever waits for room is told ({@code
 * roomFreed}) when a release ends a busy spell or frees room in all.
 */
final class InFlight {
    /** The share of the bytes one endpoint may hold: one over this. */
    static final int BYTE_SHARE = 8;

    private record Held(String endpoint, long bytes) {
    }

    private static final class Usage {
        int count;
        long bytes;
        boolean refused;
    }

    private final int maxDeliveries;
    private final long maxBytes;
    private final int perEndpoint;
    private final Runnable roomFreed;
    private final Map<String, Held> held = new HashMap<>();
    private final Map<String, Usage> byEndpoint = new HashMap<>();
    private long bytes;

    InFlight(int maxDeliveries, long maxBytes, int perEndpoint, Runnable roomFreed) {
        if (perEndpoint < 2 || maxDeliveries < perEndpoint || maxBytes < BYTE_SHARE) {
            throw new IllegalArgumentException("memory bounds must allow at least two deliveries per endpoint");
        }
        this.maxDeliveries = maxDeliveries;
        this.maxBytes = maxBytes;
        this.perEndpoint = perEndpoint;
        this.roomFreed = roomFreed;
    }

    /** The most deliveries the scheduler claims in one round: what any endpoint that is not busy has room for. */
    int claimBatch() {
        return perEndpoint / 2;
    }

    /**
     * Holds the delivery {@code messageId} to {@code endpoint}, whose event takes about {@code size} bytes, when
     * neither the bounds in all nor the endpoint's share are reached. False when they are, or when it is held already.
     */
    synchronized boolean hold(String messageId, String endpoint, long size) {
        if (held.containsKey(messageId) || held.size() >= maxDeliveries || bytes > 0 && bytes + size > maxBytes) {
            return false;
        }
        Usage usage = byEndpoint.computeIfAbsent(endpoint, e -> new Usage());
        if (usage.count >= perEndpoint || usage.count > 0 && usage.bytes + size > maxBytes / BYTE_SHARE) {
            usage.refused = true;
            return false;
        }
        held.put(messageId, new Held(endpoint, size));
        usage.count++;
        usage.bytes += size;
        bytes += size;
        return true;
    }

    synchronized boolean holds(String messageId) {
        return held.containsKey(messageId);
    }

    /** Lets go of the delivery (its outcome is recorded, or it is left to its lease); nothing if not held. */
    void release(String messageId) {
        boolean freed;
        synchronized (this) {
            Held h = held.remove(messageId);
            if (h == null) {
                return;
            }
            boolean wasFull = held.size() + 1 >= maxDeliveries || bytes >= maxBytes;
            bytes -= h.bytes();
            Usage usage = byEndpoint.get(h.endpoint());
            boolean wasBusy = busy(usage);
            usage.count--;
            usage.bytes -= h.bytes();
            usage.refused = false;
            if (usage.count == 0) {
                byEndpoint.remove(h.endpoint());
            }
            freed = wasFull || wasBusy && !busy(usage);
        }
        if (freed) {
            roomFreed.run();
        }
    }

    /** How many more deliveries may be held; none once the bytes in all are used up. */
    synchronized int room() {
        return bytes >= maxBytes ? 0 : maxDeliveries - held.size();
    }

    /** The endpoints whose deliveries the scheduler does not claim for now (see the class comment). */
    synchronized Set<String> busyEndpoints() {
        Set<String> busy = new HashSet<>();
        byEndpoint.forEach((endpoint, usage) -> {
            if (busy(usage)) {
                busy.add(endpoint);
            }
        });
        return busy;
    }

    private boolean busy(Usage usage) {
        return usage.refused || perEndpoint - usage.count < claimBatch();
    }

    synchronized int size() {
        return held.size();
    }

    synchronized long bytes() {
        return bytes;
    }
}
