package events.domain;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One recorded attempt (the delivery log).
 *
 * @param id the store's id for it (newer attempts have greater ids); 0 before it is stored
 * @param subscriptionId whose delivery it was
 * @param deliveryId the delivery attempted
 * @param eventId the event's {@code id} (the validation event's id for a validation)
 * @param attempt 1 for the first attempt of the delivery
 * @param at when the attempt started
 * @param statusCode the endpoint's HTTP status, or null when there was no response
 * @param error what went wrong when there was no (2xx) response, or null
 * @param durationMillis how long the attempt took
 */
public record DeliveryAttempt(long id, UUID subscriptionId, long deliveryId, String eventId, int attempt, Instant at,
        Integer statusCode, String error, long durationMillis) {

    public DeliveryAttempt {
        Objects.requireNonNull(subscriptionId, "subscriptionId");
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(at, "at");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempts count from 1");
        }
    }

    public DeliveryAttempt withId(long newId) {
        return new DeliveryAttempt(newId, subscriptionId, deliveryId, eventId, attempt, at, statusCode, error,
                durationMillis);
    }
}
