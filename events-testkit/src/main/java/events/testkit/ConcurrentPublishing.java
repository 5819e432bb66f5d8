package events.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import events.domain.CloudEvent;
import events.domain.EventFilter;
import events.domain.StoredEvent;
import events.ports.EventScan;
import events.ports.EventStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * The concurrency scenario of {@link EventStoreContract}: publishers append through several stores while one
 * poller follows {@code next}; checks exactly-once, order and visibility latency of acknowledged events.
 */
final class ConcurrentPublishing {
    static final Duration VISIBILITY_LIMIT = Duration.ofSeconds(1);
    private static final Duration CATCH_UP_LIMIT = Duration.ofSeconds(30);

    private final List<EventStore> stores;
    private final int publishers;
    private final int appendsPerPublisher;

    /** Event id → System.nanoTime() when its append returned. */
    private final Map<String, Long> ackedAt = new ConcurrentHashMap<>();
    /** Event id → System.nanoTime() when the poller first saw it. Written by the poller only. */
    private final Map<String, Long> firstSeenAt = new ConcurrentHashMap<>();
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean publishingDone = new AtomicBoolean();

    ConcurrentPublishing(List<EventStore> stores, int publishers, int appendsPerPublisher) {
        if (stores.isEmpty()) {
            throw new IllegalArgumentException("at least one store");
        }
        this.stores = List.copyOf(stores);
        this.publishers = publishers;
        this.appendsPerPublisher = appendsPerPublisher;
    }

    void runAndVerify() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(publishers + 1);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> publishing = new ArrayList<>();
            for (int p = 0; p < publishers; p++) {
                int publisher = p;
                publishing.add(threads.submit(() -> publish(publisher, start)));
            }
            Future<?> polling = threads.submit(() -> poll(start));
            start.countDown();
            for (Future<?> f : publishing) {
                f.get(120, TimeUnit.SECONDS);
            }
            publishingDone.set(true);
            polling.get(CATCH_UP_LIMIT.toSeconds() + 10, TimeUnit.SECONDS);
        } finally {
            threads.shutdownNow();
        }

        assertThat(problems).as("problems seen by publishers and poller").isEmpty();
        assertThat(ackedAt).as("acknowledged events").isNotEmpty();
        Set<String> missed = new HashSet<>(ackedAt.keySet());
        missed.removeAll(firstSeenAt.keySet());
        assertThat(missed).as("acknowledged events the poller never saw").isEmpty();
        Set<String> unexpected = new HashSet<>(firstSeenAt.keySet());
        unexpected.removeAll(ackedAt.keySet());
        assertThat(unexpected).as("events the poller saw that no publisher had acknowledged").isEmpty();
        List<String> late = ackedAt.entrySet().stream()
                .filter(e -> firstSeenAt.get(e.getKey()) - e.getValue() > VISIBILITY_LIMIT.toNanos())
                .map(e -> e.getKey() + " seen "
                        + TimeUnit.NANOSECONDS.toMillis(firstSeenAt.get(e.getKey()) - e.getValue()) + " ms after ack")
                .sorted()
                .collect(Collectors.toList());
        assertThat(late).as("events visible later than " + VISIBILITY_LIMIT + " after their ack").isEmpty();
    }

    private void publish(int publisher, CountDownLatch start) {
        try {
            start.await();
            EventStore store = stores.get(publisher % stores.size());
            List<CloudEvent> previous = List.of();
            for (int i = 0; i < appendsPerPublisher; i++) {
                if (i % 10 == 9) {
                    List<StoredEvent> again = store.append(previous);
                    if (!again.isEmpty()) {
                        problems.add("re-sent batch was stored again: " + again);
                    }
                }
                int size = i % 3 == 0 ? 1 + (i % 5) : 1;
                List<CloudEvent> batch = new ArrayList<>(size);
                for (int n = 0; n < size; n++) {
                    batch.add(TestEvents.anEvent().id("p" + publisher + "-" + i + "-" + n)
                            .subject("/party/" + publisher).build());
                }
                List<StoredEvent> stored = store.append(batch);
                long now = System.nanoTime();
                if (stored.size() != batch.size()) {
                    problems.add("append of " + batch.size() + " new events returned " + stored.size());
                }
                for (CloudEvent e : batch) {
                    ackedAt.put(e.id(), now);
                }
                previous = batch;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            problems.add("publisher " + publisher + " failed: " + e);
            throw e;
        }
    }

    private void poll(CountDownLatch start) {
        EventStore store = stores.get(stores.size() - 1);
        long cursor = 0;
        long lastSequence = 0;
        long catchUpDeadline = Long.MAX_VALUE;
        Map<String, Long> sequenceOf = new HashMap<>();
        try {
            start.await();
            while (true) {
                EventScan page = store.read(EventFilter.of(TestEvents.RESOURCE), cursor, 200, Integer.MAX_VALUE);
                long now = System.nanoTime();
                for (StoredEvent s : page.events()) {
                    if (s.sequence() <= lastSequence) {
                        problems.add("sequence " + s.sequence() + " after " + lastSequence);
                    }
                    lastSequence = Math.max(lastSequence, s.sequence());
                    Long before = sequenceOf.putIfAbsent(s.event().id(), s.sequence());
                    if (before != null) {
                        problems.add("event " + s.event().id() + " seen twice, at " + before + " and " + s.sequence());
                    } else {
                        firstSeenAt.put(s.event().id(), now);
                    }
                }
                if (page.next() < cursor) {
                    problems.add("next went back from " + cursor + " to " + page.next());
                }
                cursor = Math.max(cursor, page.next());
                if (page.events().isEmpty()) {
                    if (publishingDone.get()) {
                        if (firstSeenAt.keySet().containsAll(ackedAt.keySet())) {
                            return;
                        }
                        if (catchUpDeadline == Long.MAX_VALUE) {
                            catchUpDeadline = now + CATCH_UP_LIMIT.toNanos();
                        } else if (now > catchUpDeadline) {
                            return;
                        }
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            problems.add("poller failed: " + e);
            throw e;
        }
    }
}
