package events.domain;

import java.util.List;
import java.util.stream.Collectors;

/** Input broke one or more rules; {@link #violations()} names every one (each becomes a 400 problem). */
public class InvalidInputException extends EventsException {
    private final List<Violation> violations;

    public InvalidInputException(List<Violation> violations) {
        super(violations.stream().map(v -> v.attribute() + ": " + v.message()).collect(Collectors.joining("; ")));
        if (violations.isEmpty()) {
            throw new IllegalArgumentException("invalid input has at least one violation");
        }
        this.violations = List.copyOf(violations);
    }

    public InvalidInputException(Violation violation) {
        this(List.of(violation));
    }

    public List<Violation> violations() {
        return violations;
    }
}
