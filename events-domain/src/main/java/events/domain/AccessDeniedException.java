package events.domain;

/** The caller is known but not allowed to do this. */
public class AccessDeniedException extends EventsException {
    public AccessDeniedException(String message) {
        super(message);
    }
}
