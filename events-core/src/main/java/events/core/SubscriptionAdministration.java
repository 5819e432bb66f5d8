package events.core;

import events.core.delivery.DeliveryEngine;
import events.domain.AccessDeniedException;
import events.domain.Delivery;
import events.domain.DeliveryAttempt;
import events.domain.InvalidEndpointException;
import events.domain.InvalidSubscriptionException;
import events.domain.LimitExceededException;
import events.domain.Subscription;
import events.domain.SubscriptionFilter;
import events.domain.SubscriptionNotFoundException;
import events.domain.SubscriptionRequest;
import events.domain.Violation;
import events.domain.WebhookEndpoints;
import events.domain.WebhookSecret;
import events.ports.AccessRequest;
import events.ports.Action;
import events.ports.Authorizer;
import events.ports.Caller;
import events.ports.DeliveryStore;
import events.ports.FilterExpressions;
import events.ports.ManageSubscriptions;
import events.ports.SubscriptionStore;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Subscription management: checks a request (policy first, then endpoint rules and filters), stores it, and tells
 * the delivery engine; every other operation is for the subscription's owner only. Not an API: {@link Events}
 * builds it (public for the delivery engine's tests).
 */
public final class SubscriptionAdministration implements ManageSubscriptions {
    /** How long secrets replaced by a rotation keep signing. */
    static final Duration ROTATION_GRACE = Duration.ofHours(24);
    /** The most entries one listing returns. */
    static final int MAX_PAGE = 1000;

    /** Resolves a host name to its addresses (the JDK resolver unless a test gives another). */
    public interface HostResolver {
        List<InetAddress> resolve(String host) throws UnknownHostException;

        HostResolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));
    }

    private final SubscriptionStore store;
    private final DeliveryStore deliveries;
    private final Authorizer authorizer;
    private final FilterExpressions expressions;
    private final WebhookEndpoints endpoints;
    private final HostResolver resolver;
    private final DeliveryEngine engine;
    private final Clock clock;
    private final int maxPerConsumer;
    private final SecureRandom random = new SecureRandom();

    public SubscriptionAdministration(SubscriptionStore store, DeliveryStore deliveries, Authorizer authorizer,
            FilterExpressions expressions, WebhookEndpoints endpoints, HostResolver resolver, DeliveryEngine engine,
            Clock clock, int maxPerConsumer) {
        this.store = store;
        this.deliveries = deliveries;
        this.authorizer = authorizer;
        this.expressions = expressions;
        this.endpoints = endpoints;
        this.resolver = resolver;
        this.engine = engine;
        this.clock = clock;
        this.maxPerConsumer = maxPerConsumer;
    }

    /**
     * Authorizes before anything else is looked at: the endpoint check resolves the host and its refusal names the
     * addresses, so run first it would let anyone with a token probe this network's DNS and address rules. A caller
     * the policy does not permit gets one answer, whatever the endpoint, and no lookup is made for it.
     */
    @Override
    public CreatedSubscription create(Caller caller, SubscriptionRequest request) {
        authorize(caller, request);
        checkEndpoint(request.endPoint());
        checkFilters(request.filters());
        Optional<Subscription> same = checkLimit(caller, request);
        if (same.isPresent()) {
            return new CreatedSubscription(same.get(), Optional.empty());
        }
        Instant now = clock.instant();
        WebhookSecret secret = WebhookSecret.generate(random);
        SubscriptionStore.Created result = store.createIfAbsent(
                Subscription.create(UUID.randomUUID(), caller.consumer(), request, now), secret);
        if (!result.created()) {
            return new CreatedSubscription(result.subscription(), Optional.empty());
        }
        engine.subscriptionCreated(result.subscription());
        return new CreatedSubscription(result.subscription(), Optional.of(secret));
    }

    @Override
    public List<Subscription> list(Caller caller) {
        return store.byConsumer(caller.consumer());
    }

    @Override
    public Subscription get(Caller caller, UUID id) {
        return owned(caller, id);
    }

    @Override
    public void delete(Caller caller, UUID id) {
        owned(caller, id);
        store.delete(id);
        engine.subscriptionDeleted(id);
    }

    @Override
    public WebhookSecret rotateSecret(Caller caller, UUID id) {
        owned(caller, id);
        WebhookSecret secret = WebhookSecret.generate(random);
        if (!store.rotateSecret(id, secret, clock.instant().plus(ROTATION_GRACE))) {
            throw new SubscriptionNotFoundException(id.toString());
        }
        engine.secretRotated(id);
        return secret;
    }

    @Override
    public List<DeliveryAttempt> deliveries(Caller caller, UUID id, long before, int limit) {
        owned(caller, id);
        return deliveries.attempts(id, before, pageSize(limit));
    }

    @Override
    public List<Delivery> deadLetters(Caller caller, UUID id, long after, int limit) {
        owned(caller, id);
        return deliveries.deadLetters(id, after, pageSize(limit));
    }

    @Override
    public int redrive(Caller caller, UUID id) {
        owned(caller, id);
        int n = deliveries.redrive(id, clock.instant());
        if (n > 0) {
            engine.wakeScheduler();
        }
        return n;
    }

    /**
     * Refuses a new subscription past {@code maxPerConsumer}; at the limit, a request identical to one the consumer
     * has is still answered with that one, as below it. Concurrent creates may pass the limit by as many as run at
     * once (the count is read before the insert, not under a lock).
     */
    private Optional<Subscription> checkLimit(Caller caller, SubscriptionRequest request) {
        List<Subscription> own = store.byConsumer(caller.consumer());
        if (own.size() < maxPerConsumer) {
            return Optional.empty();
        }
        Optional<Subscription> same = own.stream().filter(s -> s.request().equals(request)).findFirst();
        if (same.isEmpty()) {
            throw new LimitExceededException("a consumer may have at most " + maxPerConsumer
                    + " subscriptions; delete one before creating another");
        }
        return same;
    }

    /** The policy must permit {@code subscribe} on the resource, for the subject filter when there is one. */
    private void authorize(Caller caller, SubscriptionRequest request) {
        AccessRequest access = AccessRequest.forResource(caller, Action.SUBSCRIBE, request.resourceFilter(),
                request.subjectFilter());
        if (!Boolean.TRUE.equals(authorizer.decide(List.of(access)).get(0))) {
            throw new AccessDeniedException("not allowed to subscribe to events of " + request.resourceFilter()
                    + (request.subjectFilter() == null ? "" : " about " + request.subjectFilter()));
        }
    }

    /**
     * The caller's own subscription {@code id}; another consumer's is not found, as an unknown one is, so that an
     * id tells nobody but its owner whether it exists.
     */
    private Subscription owned(Caller caller, UUID id) {
        return store.get(id).filter(s -> s.consumer().equals(caller.consumer()))
                .orElseThrow(() -> new SubscriptionNotFoundException(id.toString()));
    }

    private static int pageSize(int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new InvalidSubscriptionException(new Violation("size", "must be between 1 and " + MAX_PAGE));
        }
        return limit;
    }

    /** The URL rules, then every address the host resolves to (a private address behind a public name). */
    private void checkEndpoint(String endPoint) {
        try {
            URI uri = endpoints.checkUrl(endPoint);
            if (endpoints.allowPrivate() || WebhookEndpoints.hasAddressLiteral(uri)) {
                return;
            }
            String host = uri.getHost();
            try {
                endpoints.checkResolved(host, resolver.resolve(host));
            } catch (UnknownHostException e) {
                throw new InvalidEndpointException("the host " + host + " does not resolve");
            }
        } catch (InvalidEndpointException e) {
            throw new InvalidSubscriptionException(e.violation());
        }
    }

    /** Compiles every {@code sql} filter once, so that a bad expression is refused now, not at matching. */
    private void checkFilters(List<SubscriptionFilter> filters) {
        for (SubscriptionFilter f : filters) {
            f.toPredicate(expression -> {
                if (expressions == null) {
                    throw new InvalidSubscriptionException(new Violation("filters",
                            "sql filters are not enabled on this server"));
                }
                return expressions.compile(expression)::matches;
            });
        }
    }
}
