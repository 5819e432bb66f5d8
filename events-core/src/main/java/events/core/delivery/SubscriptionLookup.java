package events.core.delivery;

import events.domain.Subscription;
import events.domain.SubscriptionStatus;
import events.domain.WebhookSecret;
import events.ports.SubscriptionStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What deliveries need to know of their subscriptions, read from the {@link SubscriptionIndex} where it can be and
 * from the store where it must: whether a subscription is active (or still awaits validation) and the secrets that
 * sign its pushes, cached for a few seconds (rotation keeps an old secret signing for a day).
 */
final class SubscriptionLookup {
    /** How long a cached copy of a subscription's secrets is used. */
    private static final Duration SECRETS_TTL = Duration.ofSeconds(5);

    private record CachedSecrets(List<WebhookSecret> secrets, Instant until) {
    }

    private final SubscriptionIndex index;
    private final SubscriptionStore store;
    private final Map<UUID, CachedSecrets> secrets = new ConcurrentHashMap<>();

    SubscriptionLookup(SubscriptionIndex index, SubscriptionStore store) {
        this.index = index;
        this.store = store;
    }

    /** The subscription, if it is active. */
    Optional<Subscription> active(UUID id) {
        Optional<SubscriptionIndex.Entry> entry = index.get(id);
        if (entry.isPresent()) {
            return Optional.of(entry.get().subscription());
        }
        // not in this process's index: maybe deleted or disabled, maybe activated by another process a moment ago
        return store.get(id).filter(Subscription::isActive);
    }

    /** The subscription, if it still awaits the validation of its endpoint. */
    Optional<Subscription> awaitingValidation(UUID id) {
        return store.get(id).filter(s -> s.status() == SubscriptionStatus.PENDING);
    }

    /** The secrets that sign the subscription's pushes now; empty when it is gone. */
    List<WebhookSecret> secrets(UUID id, Instant now) {
        CachedSecrets cached = secrets.get(id);
        if (cached != null && now.isBefore(cached.until())) {
            return cached.secrets();
        }
        List<WebhookSecret> fresh = store.secrets(id, now);
        secrets.put(id, new CachedSecrets(fresh, now.plus(SECRETS_TTL)));
        return fresh;
    }

    /** The subscription's secrets changed (or it is gone). */
    void forgetSecrets(UUID id) {
        secrets.remove(id);
    }

    /** Some subscription's secrets may have changed elsewhere. */
    void forgetAllSecrets() {
        secrets.clear();
    }
}
