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
 * never examines more than {@code maxScan} events for one request. {@code next} always points past the
 * last event examined.
 */
final class EventQueries implements QueryEvents {
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
            int wanted = query.size() - permitted.size();
            EventPage page = store.read(query.withAfter(cursor).withSize(wanted));
            List<StoredEvent> candidates = page.events();
            List<Boolean> decisions = authorizer.decide(candidates.stream()
                    .map(e -> AccessRequest.forEvent(caller, Action.SUBSCRIBE, e.event()))
                    .toList());
            for (int i = 0; i < candidates.size(); i++) {
                if (Boolean.TRUE.equals(decisions.get(i))) {
                    permitted.add(candidates.get(i));
                }
            }
            cursor = page.next();
            scanned += candidates.size();
            boolean exhausted = candidates.size() < wanted;
            if (permitted.size() >= query.size() || exhausted || scanned >= maxScan) {
                return new EventPage(permitted, cursor);
            }
        }
    }
}
