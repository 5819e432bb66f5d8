package events.domain;

/** A subscription filter expression that cannot be used: the message says what is wrong and where. */
public class InvalidFilterException extends EventsException {
    public InvalidFilterException(String message) {
        super(message);
    }

    public InvalidFilterException(String message, Throwable cause) {
        super(message, cause);
    }
}
