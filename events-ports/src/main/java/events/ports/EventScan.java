package events.ports;

import events.domain.StoredEvent;
import java.util.List;

/**
 * What one {@link EventStore#read} found: the matching events, in sequence order; the sequence of the last
 * event examined ({@code next}, the position to continue from); and how many events it examined.
 */
public record EventScan(List<StoredEvent> events, long next, int examined) {
    public EventScan {
        events = List.copyOf(events);
        if (next < 0 || examined < 0) {
            throw new IllegalArgumentException("next and examined must not be negative");
        }
    }
}
