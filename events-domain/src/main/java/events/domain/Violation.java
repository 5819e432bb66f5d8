package events.domain;

import java.util.Objects;

/** One failed rule: which attribute (e.g. {@code source}, {@code [2].time}) and why. */
public record Violation(String attribute, String message) {
    public Violation {
        Objects.requireNonNull(attribute, "attribute");
        Objects.requireNonNull(message, "message");
    }

    /** The same violation for the event at {@code index} of a batch. */
    public Violation inBatchAt(int index) {
        return new Violation("[" + index + "]." + attribute, message);
    }
}
