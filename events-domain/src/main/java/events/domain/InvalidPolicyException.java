package events.domain;

/** A policy document that cannot be used (not XML, not XACML 3.0, or rejected by the engine); nothing was stored. */
public class InvalidPolicyException extends EventsException {
    public InvalidPolicyException(String message) {
        super(message);
    }

    public InvalidPolicyException(String message, Throwable cause) {
        super(message, cause);
    }
}
