package events.domain;

import java.util.Locale;

/** Where one delivery (one event, or the validation event, to one subscription) stands. */
public enum DeliveryStatus {
    /** Waiting for its next attempt (or being attempted). */
    PENDING,
    /** The endpoint answered 2xx. */
    DELIVERED,
    /** Every attempt failed: kept until redriven. */
    DEAD,
    /** Not sent: policy does not let the subscriber see the event (decided at send time). */
    DENIED,
    /** Not sent: the subscription was disabled or deleted first. */
    CANCELLED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static DeliveryStatus fromWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
