package events.domain;

/** The policy store could not be read or written. A failed write changed nothing. */
public class UnableToAccessPoliciesException extends EventsException {
    public UnableToAccessPoliciesException(String message, Throwable cause) {
        super(message, cause);
    }
}
