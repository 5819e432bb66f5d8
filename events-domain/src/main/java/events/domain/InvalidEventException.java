package events.domain;

import java.util.List;
import java.util.stream.Collectors;

/** An event (or a batch) broke one or more rules; {@link #violations()} names every one. */
public class InvalidEventException extends EventsException {
    private final List<Violation> violations;

    public InvalidEventException(List<Violation> violations) {
        super(violations.stream().map(v -> v.attribute() + ": " + v.message()).collect(Collectors.joining("; ")));
        if (violations.isEmpty()) {
            throw new IllegalArgumentException("an invalid event has at least one violation");
        }
        this.violations = List.copyOf(violations);
    }

    public InvalidEventException(Violation violation) {
        this(List.of(violation));
    }

    public List<Violation> violations() {
        return violations;
    }
}
