package events.adapters.http.internal;

import events.domain.EventsException;

/** The resource has no policy. Maps to 404. */
final class PolicyNotFoundException extends EventsException {
    PolicyNotFoundException(String resource) {
        super("the resource " + resource + " has no policy");
    }
}
