package events.domain;

import java.util.ArrayList;
import java.util.List;

/**
 * One page request of the polling API: up to {@code size} events that match {@code filter}, after the cursor
 * {@code after}: {@code "0"} to start, then the {@code next} of the previous page.
 */
public record EventQuery(EventFilter filter, String after, int size) {

    public static final int DEFAULT_SIZE = 50;
    public static final int MAX_SIZE = 1000;
    /** The longest cursor accepted (the service's own are under 60 characters). */
    public static final int MAX_CURSOR_LENGTH = 256;
    /** The cursor that starts from the first event. */
    public static final String START = "0";

    public EventQuery {
        List<Violation> violations = new ArrayList<>();
        if (filter == null) {
            violations.add(new Violation("resource", "is required"));
        }
        if (after == null || after.isEmpty() || after.length() > MAX_CURSOR_LENGTH) {
            violations.add(new Violation("after", "must be 0 or the cursor of a previous page's next link"));
        }
        if (size < 1 || size > MAX_SIZE) {
            violations.add(new Violation("size", "must be between 1 and " + MAX_SIZE));
        }
        if (!violations.isEmpty()) {
            throw new InvalidEventException(violations);
        }
    }

    /** The first page of {@code resource}'s events, of the default size. */
    public static EventQuery from(String resource) {
        return new EventQuery(EventFilter.of(resource), START, DEFAULT_SIZE);
    }

    public EventQuery withAfter(String cursor) {
        return new EventQuery(filter, cursor, size);
    }

    public EventQuery withSize(int newSize) {
        return new EventQuery(filter, after, newSize);
    }
}
