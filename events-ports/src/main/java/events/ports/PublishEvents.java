package events.ports;

import events.domain.CloudEvent;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Driving port: publish events. */
public interface PublishEvents {

    /**
     * Authorizes and durably stores the events, all or nothing. Returns once they are durable.
     *
     * @throws events.domain.AccessDeniedException when the caller may not publish one of them
     * @throws events.domain.UnableToStoreEventException when storage failed (nothing stored)
     */
    void publish(Caller caller, List<CloudEvent> events);

    /**
     * {@link #publish} without blocking the caller while storage commits: access and validation failures are
     * thrown at once; the future completes once the events are durable, or fails like {@link #publish}.
     * The default runs {@link #publish} at once.
     */
    default CompletableFuture<Void> publishAsync(Caller caller, List<CloudEvent> events) {
        publish(caller, events);
        return CompletableFuture.completedFuture(null);
    }
}
