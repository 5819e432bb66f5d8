package events.core.delivery;

import events.domain.Subscription;
import events.domain.SubscriptionStatus;
import events.domain.WebhookSecret;
import events.ports.SubscriptionStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What deliveries need to know of their subscriptions, read from the {@link SubscriptionIndex} where it can be and
 * from the store where it must: whether a subscription is active (or still awaits validation) and the secrets that
 * sign its pushes. Secrets are cached: a copy older than {@link #SECRETS_FRESH} is still used while a fresh one is read
 * in the background (an attempt never waits for the store for them, but for the first of a subscription's or after
 * a change), and one older than {@link #SECRETS_USABLE} is not used at all. Rotation keeps an old secret signing for
 * a day, so a copy a few seconds old signs as well as a fresh one.
 */
final class SubscriptionLookup {
    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionLookup.class);
    /** How long a cached copy of a subscription's secrets is used without reading them again. */
    static final Duration SECRETS_FRESH = Duration.ofSeconds(5);
    /** How long a cached copy is used while it is being read again (when the store does not answer, say). */
    static final Duration SECRETS_USABLE = Duration.ofMinutes(1);

    private record CachedSecrets(List<WebhookSecret> secrets, Instant readAt) {
    }

    private final SubscriptionIndex index;
    private final SubscriptionStore store;
    private final Executor background;
    private final Map<UUID, CachedSecrets> secrets = new ConcurrentHashMap<>();
    private final Set<UUID> refreshing = ConcurrentHashMap.newKeySet();
    /** Raised by every forget: a copy read before it is not cached after it. */
    private final AtomicLong generation = new AtomicLong();

    private final Clock clock;

    SubscriptionLookup(SubscriptionIndex index, SubscriptionStore store, Executor background, Clock clock) {
        this.index = index;
        this.store = store;
        this.background = background;
        this.clock = clock;
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
        if (cached != null && now.isBefore(cached.readAt().plus(SECRETS_USABLE))) {
            if (!now.isBefore(cached.readAt().plus(SECRETS_FRESH))) {
                refreshInBackground(id);
            }
            return cached.secrets();
        }
        return read(id, now);
    }

    /** The subscription's secrets changed (or it is gone). */
    void forgetSecrets(UUID id) {
        generation.incrementAndGet();
        secrets.remove(id);
    }

    /**
     * Some subscription's secrets may have changed elsewhere: every copy is read again before it is used again fresh
     * (meanwhile it still signs: an old secret keeps signing for a day after a rotation, and a deleted subscription
     * gets no more pushes).
     */
    void forgetAllSecrets() {
        generation.incrementAndGet();
        Instant stale = clock.instant().minus(SECRETS_FRESH);
        secrets.replaceAll((id, c) -> c.readAt().isAfter(stale) ? new CachedSecrets(c.secrets(), stale) : c);
    }

    private List<WebhookSecret> read(UUID id, Instant now) {
        long before = generation.get();
        List<WebhookSecret> fresh = store.secrets(id, now);
        CachedSecrets copy = new CachedSecrets(fresh, now);
        secrets.put(id, copy);
        if (generation.get() != before) {
            secrets.remove(id, copy); // read before a change: not kept after it
        }
        return fresh;
    }

    private void refreshInBackground(UUID id) {
        if (!refreshing.add(id)) {
            return;
        }
        try {
            background.execute(() -> {
                try {
                    read(id, clock.instant());
                } catch (RuntimeException e) {
                    LOG.debug("could not read the secrets of subscription {} again: {}", id, e.toString());
                } finally {
                    refreshing.remove(id);
                }
            });
        } catch (RejectedExecutionException e) {
            refreshing.remove(id); // closing
        }
    }
}
