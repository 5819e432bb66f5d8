package events.domain;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One event (or the validation event) to be pushed to one subscription.
 *
 * @param id the store's id for it
 * @param subscriptionId whose delivery it is
 * @param eventSequence the event's sequence, or {@link #VALIDATION} for the endpoint validation event
 * @param eventId the event's {@code id} ({@link #validationEventId} for the validation event)
 * @param attempts attempts made so far
 * @param status where it stands
 * @param nextAttemptAt when it is due (while pending)
 * @param created when it was queued
 */
public record Delivery(long id, UUID subscriptionId, long eventSequence, String eventId, int attempts, DeliveryStatus status,
        Instant nextAttemptAt, Instant created) {

    /** The {@link #eventSequence} of a subscription's validation delivery (real events count from 1). */
    public static final long VALIDATION = 0;

    public Delivery {
        Objects.requireNonNull(subscriptionId, "subscriptionId");
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(nextAttemptAt, "nextAttemptAt");
        Objects.requireNonNull(created, "created");
        if (eventSequence < 0 || attempts < 0) {
            throw new IllegalArgumentException("eventSequence and attempts are never negative");
        }
    }

    public boolean isValidation() {
        return eventSequence == VALIDATION;
    }

    /**
     * The Standard Webhooks {@code webhook-id}: the same for every attempt and every redrive of this delivery,
     * and for nothing else, so a receiver can drop repeats by it.
     */
    public String messageId() {
        return messageId(subscriptionId, eventSequence);
    }

    /** The {@code id} of a subscription's validation event: the subscription's id. */
    public static String validationEventId(UUID subscriptionId) {
        return subscriptionId.toString();
    }

    /** The same delivery in another state. */
    public Delivery with(int newAttempts, DeliveryStatus newStatus, Instant newNextAttemptAt) {
        return new Delivery(id, subscriptionId, eventSequence, eventId, newAttempts, newStatus, newNextAttemptAt,
                created);
    }

    public static String messageId(UUID subscriptionId, long eventSequence) {
        return "msg_" + subscriptionId.toString().replace("-", "") + "_" + eventSequence;
    }
}
