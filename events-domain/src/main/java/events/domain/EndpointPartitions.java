package events.domain;

import java.util.ArrayList;
import java.util.List;

/**
 * A set of endpoint partitions. Every webhook endpoint falls in one of {@link #COUNT} partitions ({@link
 * #partitionOf}); of several processes delivering from one storage, each attempts only the deliveries of the
 * partitions it owns, so that all attempts to one endpoint come from one process and its per-endpoint
 * concurrency bound holds for the whole cluster.
 *
 * @param bits bit {@code p} is set when partition {@code p} is in the set
 */
public record EndpointPartitions(long bits) {
    /** How many partitions there are: one bit each of a {@code long}. */
    public static final int COUNT = Long.SIZE;
    /** Every partition: what a process that delivers alone owns. */
    public static final EndpointPartitions ALL = new EndpointPartitions(-1L);
    /** No partition. */
    public static final EndpointPartitions NONE = new EndpointPartitions(0L);

    /**
     * The partition of an endpoint URL (as the subscription gives it), from 0 to {@link #COUNT} - 1. The same in
     * every process and every version: {@link String#hashCode} is specified, and stored partitions depend on it.
     */
    public static int partitionOf(String endPoint) {
        int h = endPoint.hashCode();
        // spread the high bits down, so that URLs differing only near their end still spread over partitions
        h ^= h >>> 16;
        h *= 0x45d9f3b;
        h ^= h >>> 16;
        return Math.floorMod(h, COUNT);
    }

    /** The set of the given partitions. */
    public static EndpointPartitions of(int... partitions) {
        long bits = 0;
        for (int p : partitions) {
            bits |= bit(p);
        }
        return new EndpointPartitions(bits);
    }

    public boolean contains(int partition) {
        return (bits & bit(partition)) != 0;
    }

    /** Whether the set holds the partition of this endpoint. */
    public boolean containsEndpoint(String endPoint) {
        return contains(partitionOf(endPoint));
    }

    public boolean isAll() {
        return bits == -1L;
    }

    public boolean isEmpty() {
        return bits == 0L;
    }

    public int size() {
        return Long.bitCount(bits);
    }

    /** Whether some partition of {@code other} is not in this set. */
    public boolean lacksSomeOf(EndpointPartitions other) {
        return (other.bits & ~bits) != 0;
    }

    /** The partitions in the set, ascending. */
    public List<Integer> toList() {
        List<Integer> list = new ArrayList<>(size());
        for (int p = 0; p < COUNT; p++) {
            if (contains(p)) {
                list.add(p);
            }
        }
        return list;
    }

    private static long bit(int partition) {
        if (partition < 0 || partition >= COUNT) {
            throw new IllegalArgumentException("a partition is from 0 to " + (COUNT - 1) + ", not " + partition);
        }
        return 1L << partition;
    }

    @Override
    public String toString() {
        return isAll() ? "all " + COUNT + " partitions" : size() + " of " + COUNT + " partitions " + toList();
    }
}
