package events.domain;

/** No subscription has this id (or it was deleted). */
public class SubscriptionNotFoundException extends EventsException {
    public SubscriptionNotFoundException(String id) {
        super("no subscription " + id);
    }
}
