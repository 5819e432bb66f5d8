package events.core.delivery;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The deliveries this process holds in memory, queued in an endpoint's lane or being attempted, and the bounds on
 * them: in all, at most {@code maxDeliveries} and {@code maxBytes} of events; for one endpoint, at most an eighth of
 * each, so that an endpoint that never answers holds a small share and the others keep the rest. The one owner of
 * this state: every part of the engine asks here before it keeps a delivery in memory and tells it when it lets go.
 */
final class InFlight {
    /** The share of each bound one endpoint may use: one over this. */
    static final int ENDPOINT_SHARE = 8;

    private record Held(String endpoint, long bytes, Instant startedAt) {
    }

    private static final class Usage {
        int count;
        long bytes;
    }

    private final int maxDeliveries;
    private final long maxBytes;
    private final Map<String, Held> held = new HashMap<>();
    private final Map<String, Usage> byEndpoint = new HashMap<>();
    private long bytes;

    InFlight(int maxDeliveries, long maxBytes) {
        if (maxDeliveries < ENDPOINT_SHARE || maxBytes < ENDPOINT_SHARE) {
            throw new IllegalArgumentException("memory bounds must allow at least " + ENDPOINT_SHARE + " deliveries");
        }
        this.maxDeliveries = maxDeliveries;
        this.maxBytes = maxBytes;
    }

    /**
     * Holds the delivery {@code messageId} to {@code endpoint}, whose event takes about {@code size} bytes, when
     * neither the bounds in all nor the endpoint's share are reached. False when they are, or when it is held already.
     */
    synchronized boolean hold(String messageId, String endpoint, long size) {
        if (held.containsKey(messageId) || held.size() >= maxDeliveries || bytes + size > maxBytes) {
            return false;
        }
        Usage usage = byEndpoint.computeIfAbsent(endpoint, e -> new Usage());
        if (usage.count >= maxDeliveries / ENDPOINT_SHARE || usage.bytes + size > maxBytes / ENDPOINT_SHARE) {
            if (usage.count == 0) {
                byEndpoint.remove(endpoint);
            }
            return false;
        }
        held.put(messageId, new Held(endpoint, size, null));
        usage.count++;
        usage.bytes += size;
        bytes += size;
        return true;
    }

    /** The delivery's attempt starts now. */
    synchronized void started(String messageId, Instant now) {
        held.computeIfPresent(messageId, (id, h) -> new Held(h.endpoint(), h.bytes(), now));
    }

    /**
     * Whether the held delivery's attempt started before {@code before} and never ended: a fault in this process lost
     * it, and it is to be attempted afresh (at least once). Its start is forgotten, so it is reported once.
     */
    synchronized boolean lostSince(String messageId, Instant before) {
        Held h = held.get(messageId);
        if (h == null || h.startedAt() == null || !h.startedAt().isBefore(before)) {
            return false;
        }
        held.put(messageId, new Held(h.endpoint(), h.bytes(), null));
        return true;
    }

    synchronized boolean holds(String messageId) {
        return held.containsKey(messageId);
    }

    /** Lets go of the delivery (its outcome is recorded, or it is left to its lease). */
    synchronized void release(String messageId) {
        Held h = held.remove(messageId);
        if (h == null) {
            return;
        }
        bytes -= h.bytes();
        Usage usage = byEndpoint.get(h.endpoint());
        usage.count--;
        usage.bytes -= h.bytes();
        if (usage.count == 0) {
            byEndpoint.remove(h.endpoint());
        }
    }

    /** How many deliveries one endpoint may hold at most. */
    int endpointShare() {
        return maxDeliveries / ENDPOINT_SHARE;
    }

    /** How many more deliveries may be held; none once the bytes in all are used up. */
    synchronized int room() {
        return bytes >= maxBytes ? 0 : maxDeliveries - held.size();
    }

    /** The endpoints whose share is used up: claiming more of their deliveries would be for nothing. */
    synchronized Set<String> fullEndpoints() {
        Set<String> full = new HashSet<>();
        byEndpoint.forEach((endpoint, usage) -> {
            if (usage.count >= maxDeliveries / ENDPOINT_SHARE || usage.bytes >= maxBytes / ENDPOINT_SHARE) {
                full.add(endpoint);
            }
        });
        return full;
    }

    synchronized int size() {
        return held.size();
    }

    synchronized long bytes() {
        return bytes;
    }
}
