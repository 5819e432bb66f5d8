package events.ports;

import events.domain.Delivery;
import events.domain.DeliveryAttempt;
import events.domain.Subscription;
import events.domain.SubscriptionRequest;
import events.domain.WebhookSecret;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Driving port: webhook subscriptions. Every call but {@link #create} and {@link #list} acts on one
 * subscription and throws {@link events.domain.SubscriptionNotFoundException} when there is none with that id,
 * and {@link events.domain.AccessDeniedException} when it belongs to another consumer.
 */
public interface ManageSubscriptions {

    /**
     * Creates a subscription for the caller, pending validation of its endpoint, unless the caller has an
     * identical one: then that one is returned (without a secret).
     *
     * @throws events.domain.InvalidSubscriptionException when the request breaks a rule (the endpoint's included)
     * @throws events.domain.InvalidFilterException when an {@code sql} filter does not compile
     * @throws events.domain.AccessDeniedException when policy does not let the caller subscribe to the resource
     *     (for the subject filter, when given)
     */
    CreatedSubscription create(Caller caller, SubscriptionRequest request);

    /** The caller's own subscriptions, oldest first. */
    List<Subscription> list(Caller caller);

    Subscription get(Caller caller, UUID id);

    /** Deletes the subscription; nothing more is sent to it. */
    void delete(Caller caller, UUID id);

    /** A new signing secret; the ones before it keep signing for a grace period (24 hours). */
    WebhookSecret rotateSecret(Caller caller, UUID id);

    /** The subscription's delivery attempts, newest first, with ids below {@code before}. */
    List<DeliveryAttempt> deliveries(Caller caller, UUID id, long before, int limit);

    /** The subscription's dead-lettered deliveries with ids above {@code after}, oldest first. */
    List<Delivery> deadLetters(Caller caller, UUID id, long after, int limit);

    /** Queues every dead-lettered delivery of the subscription again, due now. Returns how many. */
    int redrive(Caller caller, UUID id);

    /**
     * @param subscription the new or existing subscription
     * @param secret its signing secret, only when it was created by this call
     */
    record CreatedSubscription(Subscription subscription, Optional<WebhookSecret> secret) {
        public boolean created() {
            return secret.isPresent();
        }
    }
}
