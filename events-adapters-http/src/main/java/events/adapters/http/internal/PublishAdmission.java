package events.adapters.http.internal;

/**
 * Bounds the publishes that are read and not yet answered: their request bodies, parsed events and open
 * responses all wait in memory while storage commits (a body being read is bounded by the size limits and the
 * request threads). Past either bound a publish is refused at once (503 with
 * {@code Retry-After}) instead of joining a queue that would only grow, fill the heap and make every answer
 * late. A publish is always admitted when nothing else is in flight, whatever its size, so that any request
 * within the size limits can get through. Thread-safe.
 */
final class PublishAdmission {
    private final int maxPublishes;
    private final long maxBytes;
    private int publishes;
    private long bytes;

    PublishAdmission(int maxPublishes, long maxBytes) {
        if (maxPublishes < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("the bounds must be positive");
        }
        this.maxPublishes = maxPublishes;
        this.maxBytes = maxBytes;
    }

    /**
     * Admits a publish of {@code size} body bytes, or refuses it.
     *
     * @throws OverloadedException when admitting it would pass a bound; nothing is counted then
     */
    synchronized void admit(long size) {
        if (publishes > 0 && (publishes >= maxPublishes || bytes + size > maxBytes)) {
            throw new OverloadedException(publishes, bytes);
        }
        publishes++;
        bytes += size;
    }

    /** Ends an admitted publish (answered, failed or abandoned). */
    synchronized void release(long size) {
        publishes--;
        bytes -= size;
    }
}
