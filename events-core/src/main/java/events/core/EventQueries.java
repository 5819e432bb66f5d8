package events.core;

import events.domain.EventFilter;
import events.domain.EventPage;
import events.domain.EventQuery;
import events.domain.StoredEvent;
import events.ports.AccessRequest;
import events.ports.Action;
import events.ports.Authorizer;
import events.ports.Caller;
import events.ports.EventScan;
import events.ports.EventStore;
import events.ports.QueryEvents;
import java.util.ArrayList;
import java.util.List;

/**
 * Poll use case. Every event is authorized for the caller (action {@code subscribe}); when policy hides
 * some, the scan continues so that a page holds up to {@code size} permitted events when they exist, but
 * one request never examines more than {@code maxScan} stored events, whatever the caller may see and however
 * many events are stored: the store is asked to examine at most what is left of that budget.
 *
 * <p>The authorizer is asked once per store read, and after the first read the scan goes on in chunks of at
 * least {@value #MIN_SCAN_CHUNK} matches, so a run of hidden events costs a few reads, not one per event.
 * {@code next} stands for the position past the last event examined, or, when the page filled up in the middle
 * of a chunk, the last event returned (the rest of that chunk is examined again by the next request, so nothing
 * is skipped). It is sealed ({@link PollCursors}): a position past hidden events would tell of them.
 */
final class EventQueries implements QueryEvents {
    /** Smallest store read once policy has hidden something; bounds reads per request when pages are small. */
    static final int MIN_SCAN_CHUNK = 500;

    private final EventStore store;
    private final Authorizer authorizer;
    private final int maxScan;
    private final PollCursors cursors;

    EventQueries(EventStore store, Authorizer authorizer, int maxScan, PollCursors cursors) {
        this.store = store;
        this.authorizer = authorizer;
        this.maxScan = maxScan;
        this.cursors = cursors;
    }

    @Override
    public EventPage query(Caller caller, EventQuery query) {
        EventFilter filter = query.filter();
        long position = cursors.open(caller.consumer(), filter, query.after());
        List<StoredEvent> permitted = new ArrayList<>();
        int examined = 0;
        while (true) {
            int wanted = examined == 0 ? query.size()
                    : Math.min(Math.max(query.size(), MIN_SCAN_CHUNK), EventQuery.MAX_SIZE);
            int budget = maxScan - examined;
            EventScan scan = store.read(filter, position, wanted, budget);
            List<StoredEvent> candidates = scan.events();
            if (!candidates.isEmpty()) {
                List<Boolean> decisions = authorizer.decide(candidates.stream()
                        .map(e -> AccessRequest.forEvent(caller, Action.SUBSCRIBE, e.event()))
                        .toList());
                for (int i = 0; i < candidates.size(); i++) {
                    if (Boolean.TRUE.equals(decisions.get(i))) {
                        permitted.add(candidates.get(i));
                        if (permitted.size() == query.size()) {
                            return page(caller, filter, permitted, candidates.get(i).sequence());
                        }
                    }
                }
            }
            position = Math.max(position, scan.next());
            examined += scan.examined();
            boolean exhausted = candidates.size() < wanted && scan.examined() < budget;
            if (exhausted || examined >= maxScan) {
                return page(caller, filter, permitted, position);
            }
        }
    }

    private EventPage page(Caller caller, EventFilter filter, List<StoredEvent> events, long position) {
        return new EventPage(events, cursors.seal(caller.consumer(), filter, position));
    }
}
