package events.domain;

/** Storage failed; nothing of the request was stored. Safe to retry: publishing is idempotent per (source, id). */
public class UnableToStoreEventException extends EventsException {
    public UnableToStoreEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
