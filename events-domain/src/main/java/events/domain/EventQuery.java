package events.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One page request of the polling API: events of {@code resource} stored after the cursor {@code after}
 * ({@code 0} = from the start), optionally narrowed by subject, alternative subject and type patterns.
 * The patterns are ORed; the other criteria are ANDed.
 */
public record EventQuery(
        String resource, long after, String subject, String alternativeSubject, List<TypePattern> types, int size) {

    public static final int DEFAULT_SIZE = 50;
    public static final int MAX_SIZE = 1000;

    public EventQuery {
        List<Violation> violations = new ArrayList<>();
        if (resource == null || resource.isEmpty()) {
            violations.add(new Violation("resource", "is required"));
        }
        if (after < 0) {
            violations.add(new Violation("after", "must be 0 or a cursor from a previous page"));
        }
        if (subject != null && alternativeSubject != null) {
            violations.add(new Violation("subject", "cannot be combined with an alternative subject"));
        }
        if (size < 1 || size > MAX_SIZE) {
            violations.add(new Violation("size", "must be between 1 and " + MAX_SIZE));
        }
        if (!violations.isEmpty()) {
            throw new InvalidEventException(violations);
        }
        types = List.copyOf(Objects.requireNonNullElse(types, List.of()));
    }

    public static EventQuery from(String resource, long after) {
        return new EventQuery(resource, after, null, null, List.of(), DEFAULT_SIZE);
    }

    public EventQuery withAfter(long cursor) {
        return new EventQuery(resource, cursor, subject, alternativeSubject, types, size);
    }

    public EventQuery withSize(int newSize) {
        return new EventQuery(resource, after, subject, alternativeSubject, types, newSize);
    }

    /** Whether a stored event satisfies every criterion but the cursor and the size. */
    public boolean matches(CloudEvent event) {
        return resource.equals(event.resource())
                && (subject == null || subject.equals(event.subject()))
                && (alternativeSubject == null || alternativeSubject.equals(event.alternativeSubject()))
                && (types.isEmpty() || types.stream().anyMatch(t -> t.matches(event.type())));
    }
}
