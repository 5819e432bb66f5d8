package events.domain;

import java.util.List;

/** A subscription request broke one or more rules; {@link #violations()} names every one. */
public class InvalidSubscriptionException extends InvalidInputException {

    public InvalidSubscriptionException(List<Violation> violations) {
        super(violations);
    }

    public InvalidSubscriptionException(Violation violation) {
        super(violation);
    }
}
