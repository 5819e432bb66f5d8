package events.domain;

/**
 * A webhook endpoint URL that cannot be used: {@link #reason()} says exactly what is wrong, without
 * repeating the URL (it may carry credentials). The HTTP layer reports it as a 400 naming
 * {@value #ATTRIBUTE}.
 */
public class InvalidEndpointException extends EventsException {
    /** The request field the endpoint comes from (Altinn's spelling). */
    public static final String ATTRIBUTE = "endPoint";

    private final String reason;

    public InvalidEndpointException(String reason) {
        super(ATTRIBUTE + ": " + reason);
        this.reason = reason;
    }

    /** What is wrong, e.g. {@code must use https, not http}. */
    public String reason() {
        return reason;
    }

    /** The same failure as a {@link Violation} of {@value #ATTRIBUTE}, for problem+json {@code errors}. */
    public Violation violation() {
        return new Violation(ATTRIBUTE, reason);
    }
}
