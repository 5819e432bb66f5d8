package events.domain;

/** Subscriptions or deliveries cannot be read or changed right now (storage unavailable). */
public class UnableToAccessSubscriptionsException extends EventsException {
    public UnableToAccessSubscriptionsException(String message, Throwable cause) {
        super(message, cause);
    }
}
