package events.adapters.http;

import events.domain.AccessDeniedException;
import events.domain.Delivery;
import events.domain.DeliveryAttempt;
import events.domain.DeliveryStatus;
import events.domain.InvalidFilterException;
import events.domain.Subscription;
import events.domain.SubscriptionFilter;
import events.domain.SubscriptionNotFoundException;
import events.domain.SubscriptionRequest;
import events.domain.UnableToAccessSubscriptionsException;
import events.domain.WebhookSecret;
import events.ports.Caller;
import events.ports.ManageSubscriptions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A working in-memory {@link ManageSubscriptions} for the HTTP tests: subscriptions belong to the caller's
 * consumer; resource {@link #FORBIDDEN_RESOURCE} is refused by "policy"; an {@code sql} filter containing
 * {@code !!} does not "compile"; {@link #unavailable} makes every call fail as storage would.
 */
final class InMemoryManageSubscriptions implements ManageSubscriptions {
    static final String FORBIDDEN_RESOURCE = "urn:altinn:resource:forbidden";
    static final Instant CREATED = Instant.parse("2026-11-27T10:15:30Z");

    private final Map<UUID, Subscription> subscriptions = new LinkedHashMap<>();
    private final Map<UUID, List<DeliveryAttempt>> attempts = new LinkedHashMap<>();
    private final Map<UUID, List<Delivery>> deadLetters = new LinkedHashMap<>();
    private final SecureRandom random = new SecureRandom();
    volatile boolean unavailable;

    @Override
    public synchronized CreatedSubscription create(Caller caller, SubscriptionRequest request) {
        available();
        if (request.resourceFilter().equals(FORBIDDEN_RESOURCE)) {
            throw new AccessDeniedException("not allowed to subscribe to events of " + FORBIDDEN_RESOURCE);
        }
        checkSql(request.filters());
        for (Subscription s : subscriptions.values()) {
            if (s.consumer().equals(caller.consumer()) && s.request().equals(request)) {
                return new CreatedSubscription(s, Optional.empty());
            }
        }
        Subscription s = Subscription.create(UUID.randomUUID(), caller.consumer(), request, CREATED);
        subscriptions.put(s.id(), s);
        return new CreatedSubscription(s, Optional.of(WebhookSecret.generate(random)));
    }

    @Override
    public synchronized List<Subscription> list(Caller caller) {
        available();
        return subscriptions.values().stream().filter(s -> s.consumer().equals(caller.consumer())).toList();
    }

    @Override
    public synchronized Subscription get(Caller caller, UUID id) {
        return owned(caller, id);
    }

    @Override
    public synchronized void delete(Caller caller, UUID id) {
        owned(caller, id);
        subscriptions.remove(id);
    }

    @Override
    public synchronized WebhookSecret rotateSecret(Caller caller, UUID id) {
        owned(caller, id);
        return WebhookSecret.generate(random);
    }

    @Override
    public synchronized List<DeliveryAttempt> deliveries(Caller caller, UUID id, long before, int limit) {
        owned(caller, id);
        return attempts.getOrDefault(id, List.of()).stream().filter(a -> a.id() < before)
                .sorted(Comparator.comparingLong(DeliveryAttempt::id).reversed()).limit(limit).toList();
    }

    @Override
    public synchronized List<Delivery> deadLetters(Caller caller, UUID id, long after, int limit) {
        owned(caller, id);
        return deadLetters.getOrDefault(id, List.of()).stream().filter(d -> d.id() > after)
                .sorted(Comparator.comparingLong(Delivery::id)).limit(limit).toList();
    }

    @Override
    public synchronized int redrive(Caller caller, UUID id) {
        owned(caller, id);
        List<Delivery> dead = deadLetters.remove(id);
        return dead == null ? 0 : dead.size();
    }

    /** Records {@code n} attempts (ids 1..n, event ids e-1..e-n; odd ones failed with 503, even ones timed out). */
    synchronized void recordAttempts(UUID id, int n) {
        List<DeliveryAttempt> list = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            list.add(new DeliveryAttempt(i, id, 100 + i, "e-" + i, 1, CREATED.plusSeconds(i),
                    i % 2 == 1 ? 503 : null, i % 2 == 1 ? null : "timed out after 30 s", 10L * i));
        }
        attempts.put(id, list);
    }

    /** Dead-letters {@code n} deliveries (ids 1..n). */
    synchronized void deadLetter(UUID id, int n) {
        List<Delivery> list = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            list.add(new Delivery(i, id, i, "e-" + i, 12, DeliveryStatus.DEAD, CREATED, CREATED.plusSeconds(i)));
        }
        deadLetters.put(id, list);
    }

    private Subscription owned(Caller caller, UUID id) {
        available();
        Subscription s = subscriptions.get(id);
        if (s == null || !s.consumer().equals(caller.consumer())) {
            throw new SubscriptionNotFoundException(id.toString());
        }
        return s;
    }

    private void available() {
        if (unavailable) {
            throw new UnableToAccessSubscriptionsException("storage is down", new IllegalStateException("down"));
        }
    }

    private static void checkSql(List<SubscriptionFilter> filters) {
        for (SubscriptionFilter f : filters) {
            f.toPredicate(expression -> {
                if (expression.contains("!!")) {
                    throw new InvalidFilterException("sql: syntax error at 1:" + (expression.indexOf("!!") + 1));
                }
                return e -> true;
            });
        }
    }
}
