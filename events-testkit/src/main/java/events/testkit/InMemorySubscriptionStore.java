package events.testkit;

import events.domain.Subscription;
import events.domain.SubscriptionStatus;
import events.domain.WebhookSecret;
import events.ports.SubscriptionStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** A working {@link SubscriptionStore} in memory. Thread-safe (every method is synchronized). */
public final class InMemorySubscriptionStore implements SubscriptionStore {
    private final Map<UUID, Subscription> subscriptions = new LinkedHashMap<>();
    private final Map<UUID, List<Secret>> secrets = new LinkedHashMap<>();
    private final InMemoryDeliveryStore deliveries;
    private long revision;

    /**
     * A store that tells {@code deliveries} which subscriptions exist (it queues nothing for others) and whose
     * {@link #delete} also drops the subscription's deliveries there.
     */
    public InMemorySubscriptionStore(InMemoryDeliveryStore deliveries) {
        this.deliveries = deliveries;
        if (deliveries != null) {
            deliveries.keepSubscriptions();
        }
    }

    public InMemorySubscriptionStore() {
        this(null);
    }

    private record Secret(WebhookSecret secret, Instant created, Instant retiresAt) {
    }

    @Override
    public synchronized Created createIfAbsent(Subscription subscription, WebhookSecret secret) {
        for (Subscription s : subscriptions.values()) {
            if (s.consumer().equals(subscription.consumer()) && s.request().equals(subscription.request())) {
                return new Created(s, false);
            }
        }
        subscriptions.put(subscription.id(), subscription);
        List<Secret> list = new ArrayList<>();
        list.add(new Secret(secret, subscription.created(), null));
        secrets.put(subscription.id(), list);
        if (deliveries != null) {
            deliveries.subscriptionCreated(subscription.id(), subscription.request().endPoint());
        }
        revision++;
        return new Created(subscription, true);
    }

    @Override
    public synchronized Optional<Subscription> get(UUID id) {
        return Optional.ofNullable(subscriptions.get(id));
    }

    @Override
    public synchronized List<Subscription> byConsumer(String consumer) {
        return subscriptions.values().stream().filter(s -> s.consumer().equals(consumer))
                .sorted(Comparator.comparing(Subscription::created)).toList();
    }

    @Override
    public synchronized List<Subscription> active() {
        return subscriptions.values().stream().filter(Subscription::isActive).toList();
    }

    @Override
    public synchronized List<Subscription> pending() {
        return subscriptions.values().stream().filter(s -> s.status() == SubscriptionStatus.PENDING).toList();
    }

    @Override
    public synchronized boolean setStatus(UUID id, SubscriptionStatus status, Instant validated) {
        Subscription s = subscriptions.get(id);
        if (s == null) {
            return false;
        }
        subscriptions.put(id, s.withStatus(status, status == SubscriptionStatus.ACTIVE ? validated : s.validated()));
        revision++;
        return true;
    }

    @Override
    public synchronized boolean delete(UUID id) {
        if (subscriptions.remove(id) == null) {
            return false;
        }
        secrets.remove(id);
        if (deliveries != null) {
            deliveries.deleteSubscription(id);
        }
        revision++;
        return true;
    }

    @Override
    public synchronized List<WebhookSecret> secrets(UUID id, Instant now) {
        List<Secret> list = secrets.getOrDefault(id, List.of());
        List<WebhookSecret> inForce = new ArrayList<>();
        for (int i = list.size() - 1; i >= 0; i--) {
            Secret s = list.get(i);
            if (s.retiresAt() == null || s.retiresAt().isAfter(now)) {
                inForce.add(s.secret());
            }
        }
        return inForce;
    }

    @Override
    public synchronized boolean rotateSecret(UUID id, WebhookSecret secret, Instant retireOthersAt) {
        List<Secret> list = secrets.get(id);
        if (list == null) {
            return false;
        }
        list.removeIf(s -> s.retiresAt() != null);
        list.replaceAll(s -> new Secret(s.secret(), s.created(), retireOthersAt));
        list.add(new Secret(secret, retireOthersAt, null));
        return true;
    }

    @Override
    public synchronized long revision() {
        return revision;
    }
}
