package events.domain;

/** Storage could not answer a query. */
public class UnableToReadEventsException extends EventsException {
    public UnableToReadEventsException(String message, Throwable cause) {
        super(message, cause);
    }
}
