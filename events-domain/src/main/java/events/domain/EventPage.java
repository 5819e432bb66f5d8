package events.domain;

import java.util.List;
import java.util.Objects;

/**
 * A page of events and the cursor to continue from. {@code next} is opaque: it tells its holder nothing about
 * the events the service examined and did not return; following it never skips and never repeats an event.
 */
public record EventPage(List<StoredEvent> events, String next) {
    public EventPage {
        events = List.copyOf(events);
        Objects.requireNonNull(next, "next");
    }
}
