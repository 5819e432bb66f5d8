package events.ports;

import events.domain.EventPage;
import events.domain.EventQuery;

/** Driving port: poll events with a cursor. */
public interface QueryEvents {

    /** The next page of events that match the query and that the caller may see. */
    EventPage query(Caller caller, EventQuery query);
}
