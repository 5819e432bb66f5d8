package events.domain;

import java.util.List;

/**
 * A page of events and the cursor to continue from. {@code next} is past the last event the store
 * examined for this page (never before {@code after}), so following it never skips and never repeats.
 */
public record EventPage(List<StoredEvent> events, long next) {
    public EventPage {
        events = List.copyOf(events);
        if (next < 0) {
            throw new IllegalArgumentException("next must not be negative");
        }
    }
}
