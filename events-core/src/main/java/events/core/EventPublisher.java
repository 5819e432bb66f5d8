package events.core;

import events.domain.AccessDeniedException;
import events.domain.CloudEvent;
import events.domain.InvalidEventException;
import events.domain.Violation;
import events.ports.AccessRequest;
import events.ports.Action;
import events.ports.Authorizer;
import events.ports.Caller;
import events.ports.EventStore;
import events.ports.PublishEvents;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Publish use case: authorize every event (unless the caller is a publish admin), then store all durably, then
 * wake the delivery engine.
 */
final class EventPublisher implements PublishEvents {
    private final EventStore store;
    private final Authorizer authorizer;
    /** Told once events are durable (wakes the delivery dispatcher). */
    private final Runnable stored;

    EventPublisher(EventStore store, Authorizer authorizer, Runnable stored) {
        this.store = store;
        this.authorizer = authorizer;
        this.stored = stored;
    }

    @Override
    public void publish(Caller caller, List<CloudEvent> events) {
        authorize(caller, events);
        store.append(events);
        stored.run();
    }

    @Override
    public CompletableFuture<Void> publishAsync(Caller caller, List<CloudEvent> events) {
        authorize(caller, events);
        return store.appendAsync(events).thenApply(result -> {
            stored.run();
            return null;
        });
    }

    private void authorize(Caller caller, List<CloudEvent> events) {
        if (events.isEmpty()) {
            throw new InvalidEventException(new Violation("batch", "must hold at least one event"));
        }
        if (!caller.hasScope(Caller.SCOPE_PUBLISH_ADMIN)) {
            List<AccessRequest> requests = events.stream()
                    .map(e -> AccessRequest.forEvent(caller, Action.PUBLISH, e))
                    .toList();
            List<Boolean> decisions = authorizer.decide(requests);
            for (int i = 0; i < requests.size(); i++) {
                if (!Boolean.TRUE.equals(decisions.get(i))) {
                    throw new AccessDeniedException(
                            "not allowed to publish events for resource " + requests.get(i).resource());
                }
            }
        }
    }
}
