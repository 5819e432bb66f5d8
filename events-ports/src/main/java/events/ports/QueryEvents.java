package events.ports;

import events.domain.EventPage;
import events.domain.EventQuery;

/** Driving port: poll events with a cursor. */
public interface QueryEvents {

    /**
     * The next page of events that match the query and that the caller may see. The page's {@code next} opens
     * only for the same caller and filter.
     *
     * @throws events.domain.InvalidEventException when {@code query.after()} is neither {@code 0} nor a cursor
     *     this service gave out for this caller and filter
     */
    EventPage query(Caller caller, EventQuery query);
}
