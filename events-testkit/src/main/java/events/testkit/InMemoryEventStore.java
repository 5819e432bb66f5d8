package events.testkit;

import events.domain.CloudEvent;
import events.domain.EventFilter;
import events.domain.StoredEvent;
import events.ports.EventScan;
import events.ports.EventStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;

/** A working {@link EventStore} in memory. Thread-safe; appends are serialized, reads never block. */
public final class InMemoryEventStore implements EventStore {
    private final ConcurrentSkipListMap<Long, StoredEvent> events = new ConcurrentSkipListMap<>();
    private final Map<Long, java.time.Instant> storedAt = new java.util.HashMap<>();
    private final Set<String> keys = new HashSet<>();
    private final java.time.Clock clock;
    private long lastSequence;
    private volatile boolean available = true;

    /** Events stored now by the system clock (retention compares with it). */
    public InMemoryEventStore() {
        this(java.time.Clock.systemUTC());
    }

    /** Events stored at this clock's time. */
    public InMemoryEventStore(java.time.Clock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized List<StoredEvent> append(List<CloudEvent> batch) {
        List<StoredEvent> stored = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (CloudEvent event : batch) {
            String key = event.source() + "\u0000" + event.id();
            if (!keys.contains(key) && seen.add(key)) {
                stored.add(new StoredEvent(lastSequence + stored.size() + 1, event));
            }
        }
        java.time.Instant now = clock.instant();
        for (StoredEvent e : stored) {
            keys.add(e.event().source() + "\u0000" + e.event().id());
            storedAt.put(e.sequence(), now);
            events.put(e.sequence(), e);
        }
        lastSequence += stored.size();
        return stored;
    }

    @Override
    public EventScan read(EventFilter filter, long after, int size, int examineAtMost) {
        List<StoredEvent> page = new ArrayList<>();
        long next = after;
        int examined = 0;
        for (Map.Entry<Long, StoredEvent> e : events.tailMap(after, false).entrySet()) {
            CloudEvent event = e.getValue().event();
            if (examined == examineAtMost || page.size() == size) {
                break;
            }
            if (filter.resource().equals(event.resource())
                    && (filter.subject() == null || filter.subject().equals(event.subject()))
                    && (filter.alternativeSubject() == null
                            || filter.alternativeSubject().equals(event.alternativeSubject()))) {
                examined++;
                next = e.getKey();
                if (filter.matchesType(event.type())) {
                    page.add(e.getValue());
                }
            }
        }
        return new EventScan(page, next, examined);
    }

    @Override
    public List<StoredEvent> readAll(long after, int limit) {
        List<StoredEvent> page = new ArrayList<>();
        for (StoredEvent e : events.tailMap(after, false).values()) {
            if (page.size() == limit) {
                break;
            }
            page.add(e);
        }
        return page;
    }

    @Override
    public long lastSequence() {
        return events.isEmpty() ? 0 : events.lastKey();
    }

    @Override
    public synchronized int deleteStoredBefore(java.time.Instant cutoff, long maxSequence, int limit) {
        int deleted = 0;
        for (StoredEvent e : events.values().stream().limit(limit).toList()) {
            if (storedAt.get(e.sequence()).isBefore(cutoff) && e.sequence() <= maxSequence) {
                events.remove(e.sequence());
                storedAt.remove(e.sequence());
                keys.remove(e.event().source() + "\u0000" + e.event().id());
                deleted++;
            }
        }
        return deleted;
    }

    @Override
    public List<StoredEvent> get(Collection<Long> sequences) {
        return new TreeSet<>(sequences).stream().map(events::get).filter(Objects::nonNull).toList();
    }

    @Override
    public boolean isAvailable() {
        return available;
    }

    /** Simulates storage going away (or coming back) for readiness tests. */
    public void setAvailable(boolean available) {
        this.available = available;
    }

    public int size() {
        return events.size();
    }
}
