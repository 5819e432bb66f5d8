package events.ports;

import events.domain.CloudEvent;
import java.util.List;

/** Driving port: publish events. */
public interface PublishEvents {

    /**
     * Authorizes and durably stores the events, all or nothing. Returns once they are durable.
     *
     * @throws events.domain.AccessDeniedException when the caller may not publish one of them
     * @throws events.domain.UnableToStoreEventException when storage failed (nothing stored)
     */
    void publish(Caller caller, List<CloudEvent> events);
}
