package events.ports;

import java.util.List;

/**
 * Decides access. Answers many questions at once so that a poll page or a push fan-out costs one call,
 * not one per event. Anything but an explicit permit is a deny.
 */
public interface Authorizer {

    /** One answer per request, in the same order: true = permit. */
    List<Boolean> decide(List<AccessRequest> requests);

    /**
     * The policies changed through this process: drop whatever was cached about them now. (Changes made by
     * other processes sharing the {@link PolicyStore} are noticed by the authorizer itself.) Default: nothing
     * cached.
     */
    default void policiesChanged() {
    }
}
