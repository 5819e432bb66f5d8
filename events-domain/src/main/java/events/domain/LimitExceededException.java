package events.domain;

/** A request would take a caller past one of the service's limits (e.g. subscriptions per consumer). */
public class LimitExceededException extends EventsException {
    public LimitExceededException(String message) {
        super(message);
    }
}
