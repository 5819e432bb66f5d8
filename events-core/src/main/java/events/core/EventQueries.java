package events.core;

import events.domain.EventPage;
import events.domain.EventQuery;
import events.domain.StoredEvent;
import events.ports.AccessRequest;
import events.ports.Action;
import events.ports.Authorizer;
import events.ports.Caller;
import events.ports.EventStore;
import events.ports.QueryEvents;
import java.util.ArrayList;
import java.util.List;

/**
 * Poll use case. Every event is authorized for the caller (action {@code subscribe}); when policy hides
 * some, the scan continues so that a page holds up to {@code size} permitted events when they exist, but
 * never examines more than {@code maxScan} events for one request. The authorizer is asked once per store
 * read, and after the first read the scan goes on in chunks of at least {@value #MIN_SCAN_CHUNK} events,
 * so a run of hidden events costs a few reads, not one per event. {@code next} points past the last event
 * examined, or, when the page filled up in the middle of a chunk, at the last event returned (the rest of
 * that chunk is examined again by the next request, so nothing is skipped).
 */
final class EventQueries implements QueryEvents {
    /** Smallest store read once policy has hidden something; bounds reads per request when pages are small. */
    static final int MIN_SCAN_CHUNK = 100;

    private final EventStore store;
    private final Authorizer authorizer;
    private final int maxScan;

    EventQueries(EventStore store, Authorizer authorizer, int maxScan) {
        this.store = store;
        this.authorizer = authorizer;
        this.maxScan = maxScan;
    }

    @Override
    public EventPage query(Caller caller, EventQuery query) {
        List<StoredEvent> permitted = new ArrayList<>();
        long cursor = query.after();
        int scanned = 0;
        while (true) {
            int chunk = scanned == 0 ? query.size() : Math.max(query.size(), MIN_SCAN_CHUNK);
            chunk = Math.min(Math.min(chunk, EventQuery.MAX_SIZE), maxScan - scanned);
            EventPage page = store.read(query.withAfter(cursor).withSize(chunk));
            List<StoredEvent> candidates = page.events();
            if (candidates.isEmpty()) {
                return new EventPage(permitted, Math.max(cursor, page.next()));
            }
            List<Boolean> decisions = authorizer.decide(candidates.stream()
                    .map(e -> AccessRequest.forEvent(caller, Action.SUBSCRIBE, e.event()))
                    .toList());
            for (int i = 0; i < candidates.size(); i++) {
                if (Boolean.TRUE.equals(decisions.get(i))) {
                    permitted.add(candidates.get(i));
                    if (permitted.size() == query.size()) {
                        return new EventPage(permitted, candidates.get(i).sequence());
                    }
                }
            }
            cursor = page.next();
            scanned += candidates.size();
            boolean exhausted = candidates.size() < chunk;
            if (exhausted || scanned >= maxScan) {
                return new EventPage(permitted, cursor);
            }
        }
    }
}
