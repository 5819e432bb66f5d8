package events.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Which events of one {@code resource} a poll asks for: optionally about one subject or one alternative subject,
 * and of a type matching any of up to {@value #MAX_TYPES} patterns (the patterns are ORed, the rest ANDed).
 */
public record EventFilter(String resource, String subject, String alternativeSubject, List<TypePattern> types) {
    /** The most type patterns one filter may hold. */
    public static final int MAX_TYPES = 20;

    public EventFilter {
        List<Violation> violations = new ArrayList<>();
        if (resource == null || resource.isEmpty()) {
            violations.add(new Violation("resource", "is required"));
        }
        if (subject != null && alternativeSubject != null) {
            violations.add(new Violation("subject", "cannot be combined with an alternative subject"));
        }
        types = List.copyOf(Objects.requireNonNullElse(types, List.of()));
        if (types.size() > MAX_TYPES) {
            violations.add(new Violation("type", "may be given at most " + MAX_TYPES + " times"));
        }
        if (!violations.isEmpty()) {
            throw new InvalidEventException(violations);
        }
    }

    /** Every event of {@code resource}. */
    public static EventFilter of(String resource) {
        return new EventFilter(resource, null, null, List.of());
    }

    /** Whether an event satisfies every criterion. */
    public boolean matches(CloudEvent event) {
        return resource.equals(event.resource())
                && (subject == null || subject.equals(event.subject()))
                && (alternativeSubject == null || alternativeSubject.equals(event.alternativeSubject()))
                && matchesType(event.type());
    }

    /**
     * An upper bound of the character comparisons {@link #matchesType} makes for a type of {@code typeLength}
     * characters: type length × pattern length, summed over the patterns.
     */
    public long matchCost(int typeLength) {
        long cost = 0;
        for (TypePattern pattern : types) {
            cost += (long) typeLength * (pattern.pattern().length() + 1);
        }
        return cost;
    }

    /** Whether {@code type} matches one of the patterns, or there are none. */
    public boolean matchesType(String type) {
        if (types.isEmpty()) {
            return true;
        }
        for (TypePattern pattern : types) {
            if (pattern.matches(type)) {
                return true;
            }
        }
        return false;
    }
}
