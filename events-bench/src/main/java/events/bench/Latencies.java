package events.bench;

import java.util.Arrays;
import java.util.Collection;

/** The latencies one benchmark thread measured, in nanoseconds; not thread-safe (one recording thread each). */
final class Latencies {
    private long[] values = new long[1 << 14];
    private int count;

    void record(long nanos) {
        if (count == values.length) {
            values = Arrays.copyOf(values, count * 2);
        }
        values[count++] = nanos;
    }

    int count() {
        return count;
    }

    /** Every latency of {@code all}, sorted (read after their threads have ended). */
    static long[] sortedUnion(Collection<Latencies> all) {
        long[] union = new long[Math.toIntExact(all.stream().mapToLong(Latencies::count).sum())];
        int at = 0;
        for (Latencies l : all) {
            System.arraycopy(l.values, 0, union, at, l.count);
            at += l.count;
        }
        Arrays.sort(union);
        return union;
    }
}
