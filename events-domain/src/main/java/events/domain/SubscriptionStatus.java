package events.domain;

import java.util.Locale;

/** Where a subscription stands: only {@link #ACTIVE} subscriptions get events. */
public enum SubscriptionStatus {
    /** Created; its endpoint has not yet answered the validation event with a 2xx. */
    PENDING,
    /** The endpoint is validated: matching events are pushed to it. */
    ACTIVE,
    /** The endpoint answered 410 Gone: nothing more is sent. */
    DISABLED;

    /** The name used in JSON and in storage: {@code pending}, {@code active}, {@code disabled}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static SubscriptionStatus fromWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
