package events.ports;

import events.domain.Subscription;
import events.domain.SubscriptionRequest;
import events.domain.SubscriptionStatus;
import events.domain.WebhookSecret;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Durable storage of subscriptions and their signing secrets. Implementations are thread-safe; several
 * processes may share one store.
 */
public interface SubscriptionStore {

    /**
     * Stores {@code subscription} with its first signing secret, unless the same consumer already has a
     * subscription with an equal {@link SubscriptionRequest}: then nothing is stored and that one is returned.
     * Two concurrent calls for the same consumer and request store one subscription.
     *
     * @return the stored subscription and whether it was created by this call
     * @throws events.domain.UnableToAccessSubscriptionsException when storage failed
     */
    Created createIfAbsent(Subscription subscription, WebhookSecret secret);

    /** The subscription, unless there is none with this id (or it was deleted). */
    Optional<Subscription> get(UUID id);

    /** The consumer's subscriptions, oldest first. */
    List<Subscription> byConsumer(String consumer);

    /** Every subscription with status {@link SubscriptionStatus#ACTIVE}. */
    List<Subscription> active();

    /** Every subscription with status {@link SubscriptionStatus#PENDING} (awaiting endpoint validation). */
    List<Subscription> pending();

    /**
     * Sets the status (and when it was validated, for {@code ACTIVE}). Returns false when there is no such
     * subscription.
     */
    boolean setStatus(UUID id, SubscriptionStatus status, Instant validated);

    /** Deletes the subscription, its secrets and its deliveries. Returns false when there was none. */
    boolean delete(UUID id);

    /**
     * The secrets that sign for the subscription at {@code now}, newest first (two during a rotation's grace
     * period); empty when there is no such subscription.
     */
    List<WebhookSecret> secrets(UUID id, Instant now);

    /**
     * Adds {@code secret} as the newest signing secret; the secret it replaces signs until {@code retireOthersAt},
     * and one still retiring from an earlier rotation stops at once, so that at most two are ever in force (each
     * push carries one signature per secret in force). Returns false when there is no such subscription.
     */
    boolean rotateSecret(UUID id, WebhookSecret secret, Instant retireOthersAt);

    /**
     * A number that grows whenever a subscription is created, deleted or changes status, through any process
     * sharing the store: a reader holding a copy of {@link #active()} knows it is stale when this differs.
     */
    long revision();

    record Created(Subscription subscription, boolean created) {
    }
}
