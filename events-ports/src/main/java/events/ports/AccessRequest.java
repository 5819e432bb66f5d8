package events.ports;

import events.domain.CloudEvent;
import java.util.Objects;

/**
 * One question for the {@link Authorizer}: may {@code caller} do {@code action} on {@code resource}, for
 * this {@code event} (null when the question is not about one event)?
 */
public record AccessRequest(Caller caller, Action action, String resource, CloudEvent event) {
    public AccessRequest {
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(resource, "resource");
    }

    public static AccessRequest forEvent(Caller caller, Action action, CloudEvent event) {
        return new AccessRequest(caller, action, event.resource(), event);
    }
}
