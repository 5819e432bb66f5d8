package events.domain;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A stored subscription.
 *
 * @param id the subscription's id
 * @param consumer who receives the events and owns the subscription (the creator's consumer identity)
 * @param createdBy who created it
 * @param request what was asked for
 * @param created when it was created
 * @param validated when its endpoint answered the validation event, or null while {@link SubscriptionStatus#PENDING}
 * @param status where it stands
 */
public record Subscription(UUID id, String consumer, String createdBy, SubscriptionRequest request, Instant created,
        Instant validated, SubscriptionStatus status) {

    public Subscription {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(consumer, "consumer");
        Objects.requireNonNull(createdBy, "createdBy");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(status, "status");
    }

    /** A new subscription, pending validation. */
    public static Subscription create(UUID id, String consumer, SubscriptionRequest request, Instant now) {
        return new Subscription(id, consumer, consumer, request, now, null, SubscriptionStatus.PENDING);
    }

    public Subscription withStatus(SubscriptionStatus newStatus, Instant validatedAt) {
        return new Subscription(id, consumer, createdBy, request, created, validatedAt, newStatus);
    }

    /** The type of the event that validates a subscription's endpoint. */
    public static final String VALIDATION_TYPE = "platform.events.validatesubscription";

    /**
     * The event POSTed to the endpoint to validate it: type {@link #VALIDATION_TYPE}, id the subscription's id,
     * source the subscription's URL under {@code baseUrl} (e.g. {@code http://localhost:5080}), the
     * subscription's resource, and the time it was created.
     */
    public CloudEvent validationEvent(String baseUrl) {
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        return CloudEvent.builder()
                .specVersion(CloudEvent.SPEC_VERSION)
                .id(Delivery.validationEventId(id))
                .source(base + "/events/api/v1/subscriptions/" + id)
                .type(VALIDATION_TYPE)
                .time(created.toString())
                .resource(request.resourceFilter())
                .build();
    }

    public boolean isActive() {
        return status == SubscriptionStatus.ACTIVE;
    }
}
