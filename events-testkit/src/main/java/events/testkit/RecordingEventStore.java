package events.testkit;

import events.domain.CloudEvent;
import events.domain.EventFilter;
import events.domain.StoredEvent;
import events.ports.EventScan;
import events.ports.EventStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Delegates to a working store and records every read with what it returned. */
public final class RecordingEventStore implements EventStore {
    public record Read(EventFilter filter, long after, int size, int examineAtMost, EventScan scan) {
    }

    private final EventStore delegate;
    private final List<Read> reads = new CopyOnWriteArrayList<>();
    private final List<Integer> readAlls = new CopyOnWriteArrayList<>();
    private final AtomicInteger lastSequenceReads = new AtomicInteger();

    public RecordingEventStore(EventStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public List<StoredEvent> append(List<CloudEvent> events) {
        return delegate.append(events);
    }

    @Override
    public EventScan read(EventFilter filter, long after, int size, int examineAtMost) {
        EventScan scan = delegate.read(filter, after, size, examineAtMost);
        reads.add(new Read(filter, after, size, examineAtMost, scan));
        return scan;
    }

    @Override
    public List<StoredEvent> readAll(long after, int limit) {
        List<StoredEvent> all = delegate.readAll(after, limit);
        readAlls.add(all.size());
        return all;
    }

    @Override
    public long lastSequence() {
        lastSequenceReads.incrementAndGet();
        return delegate.lastSequence();
    }

    @Override
    public List<StoredEvent> get(java.util.Collection<Long> sequences) {
        return delegate.get(sequences);
    }

    @Override
    public int deleteStoredBefore(java.time.Instant cutoff, long maxSequence, int limit) {
        return delegate.deleteStoredBefore(cutoff, maxSequence, limit);
    }

    @Override
    public boolean isAvailable() {
        return delegate.isAvailable();
    }

    public List<Read> reads() {
        return reads;
    }

    /** How many events each {@link #readAll} returned, in order: what the dispatcher read. */
    public List<Integer> readAlls() {
        return readAlls;
    }

    /** How many times {@link #lastSequence} was called. */
    public int lastSequenceReads() {
        return lastSequenceReads.get();
    }

    /** How many events the store examined over all reads. */
    public int examined() {
        return reads.stream().mapToInt(r -> r.scan().examined()).sum();
    }
}
