package events.domain;

import java.util.List;

/** An event (or a batch, or a query) broke one or more rules; {@link #violations()} names every one. */
public class InvalidEventException extends InvalidInputException {

    public InvalidEventException(List<Violation> violations) {
        super(violations);
    }

    public InvalidEventException(Violation violation) {
        super(violation);
    }
}
