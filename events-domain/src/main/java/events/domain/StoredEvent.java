package events.domain;

import java.util.Objects;

/** An event as stored, with the sequence number the store gave it (the polling cursor). */
public record StoredEvent(long sequence, CloudEvent event) {
    public StoredEvent {
        if (sequence <= 0) {
            throw new IllegalArgumentException("sequence must be positive: " + sequence);
        }
        Objects.requireNonNull(event, "event");
    }
}
