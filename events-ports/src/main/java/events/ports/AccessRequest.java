package events.ports;

import events.domain.CloudEvent;
import java.util.Objects;

/**
 * One question for the {@link Authorizer}: may {@code caller} do {@code action} on {@code resource}? When the
 * question is about one event, {@code event} is that event and {@code subject} its subject; when it is about
 * a resource as a whole (creating a subscription), {@code event} is null and {@code subject} is the subject the
 * caller limits itself to, or null for all subjects.
 */
public record AccessRequest(Caller caller, Action action, String resource, CloudEvent event, String subject) {
    public AccessRequest {
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(resource, "resource");
        if (event != null && (!resource.equals(event.resource()) || !Objects.equals(subject, event.subject()))) {
            throw new IllegalArgumentException("resource and subject must be the event's");
        }
    }

    /** May the caller do {@code action} with this event (publish it, or see it)? */
    public static AccessRequest forEvent(Caller caller, Action action, CloudEvent event) {
        return new AccessRequest(caller, action, event.resource(), event, event.subject());
    }

    /** May the caller do {@code action} on the resource, for {@code subject} (null: every subject)? */
    public static AccessRequest forResource(Caller caller, Action action, String resource, String subject) {
        return new AccessRequest(caller, action, resource, null, subject);
    }
}
