package events.domain;

/** Base of every exception the product throws on purpose. Unchecked. */
public class EventsException extends RuntimeException {
    public EventsException(String message) {
        super(message);
    }

    public EventsException(String message, Throwable cause) {
        super(message, cause);
    }
}
