package events.core.delivery;

import events.core.HookedDeliveryStore;
import events.core.SubscriptionAdministration;
import events.domain.CloudEvent;
import events.domain.Delivery;
import events.domain.DeliveryStatus;
import events.domain.RetrySchedule;
import events.domain.Subscription;
import events.domain.SubscriptionRequest;
import events.domain.WebhookEndpoints;
import events.filter.cesql.CesqlFilterExpressions;
import events.ports.AccessRequest;
import events.ports.Caller;
import events.ports.ChangeSignals;
import events.testkit.FakeWebhookSender;
import events.testkit.InMemoryDeliveryStore;
import events.testkit.InMemoryEventStore;
import events.testkit.InMemorySubscriptionStore;
import events.testkit.MutableClock;
import events.testkit.RecordingAuthorizer;
import events.testkit.RecordingEventStore;
import events.testkit.TestEvents;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * The delivery engine over in-memory stores, a fake sender and a clock that moves only when told. The engine's
 * threads are not started: tests run its rounds ({@link DeliveryEngine#dispatchOnce}, {@link
 * DeliveryEngine#scheduleOnce}) themselves.
 */
final class DeliveryFixture implements AutoCloseable {
    static final Caller DIGDIR = new Caller("/org/digdir", Set.of(Caller.SCOPE_SUBSCRIBE),
            Map.of("urn:altinn:org", "digdir"));
    static final Caller NAV = new Caller("/org/nav", Set.of(Caller.SCOPE_SUBSCRIBE), Map.of("urn:altinn:org", "nav"));
    static final RetrySchedule SCHEDULE = new RetrySchedule(
            List.of(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1)), 0);
    static final Duration LEASE = Duration.ofSeconds(40);

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T10:00:00Z"));
    final RecordingEventStore events = new RecordingEventStore(new InMemoryEventStore());
    final InMemoryDeliveryStore deliveries = new InMemoryDeliveryStore();
    /** The store the engine uses: {@link #deliveries} with a hook before each dispatch. */
    final HookedDeliveryStore engineDeliveries = new HookedDeliveryStore(deliveries);
    final InMemorySubscriptionStore subscriptions = new InMemorySubscriptionStore(deliveries);
    final FakeWebhookSender sender = new FakeWebhookSender();
    final AtomicReference<Predicate<AccessRequest>> policy = new AtomicReference<>(r -> true);
    final RecordingAuthorizer authorizer = RecordingAuthorizer.permitting(r -> policy.get().test(r));
    final Map<String, List<InetAddress>> dns = new java.util.concurrent.ConcurrentHashMap<>();
    /** Every host name {@link #admin} asked {@link #dns} about, in order. */
    final List<String> lookups = new java.util.concurrent.CopyOnWriteArrayList<>();
    final DeliveryEngine engine;
    final SubscriptionAdministration admin;

    DeliveryFixture() {
        this(WebhookEndpoints.builder().allowHttp(true).allowPrivate(true).build(), 4, 10_000);
    }

    DeliveryFixture(WebhookEndpoints endpoints, int perEndpoint, int inMemory) {
        this(endpoints, perEndpoint, inMemory, 64L << 20);
    }

    DeliveryFixture(WebhookEndpoints endpoints, int perEndpoint, int inMemory, long bytesInMemory) {
        this(endpoints, perEndpoint, 64, inMemory, bytesInMemory);
    }

    DeliveryFixture(WebhookEndpoints endpoints, int perEndpoint, int perHost, int inMemory, long bytesInMemory) {
        SubscriptionIndex index = new SubscriptionIndex(subscriptions, new CesqlFilterExpressions());
        engine = new DeliveryEngine(events, subscriptions, engineDeliveries, sender, authorizer, index, clock,
                new DeliveryEngine.Settings(SCHEDULE, LEASE, perEndpoint, perHost, inMemory, bytesInMemory,
                        () -> "https://events.example", Duration.ofSeconds(1)),
                () -> 0.5, ChangeSignals.NONE);
        admin = new SubscriptionAdministration(subscriptions, deliveries, authorizer, new CesqlFilterExpressions(),
                endpoints, host -> {
                    lookups.add(host);
                    List<InetAddress> a = dns.get(host);
                    if (a == null) {
                        throw new java.net.UnknownHostException(host);
                    }
                    return a;
                }, engine, clock, MAX_SUBSCRIPTIONS_PER_CONSUMER);
    }

    /** The default; the fan-out tests stay under it. */
    static final int MAX_SUBSCRIPTIONS_PER_CONSUMER = 1000;

    static SubscriptionRequest request(String endpoint) {
        return new SubscriptionRequest(endpoint, TestEvents.RESOURCE, null, null, null, null, List.of());
    }

    /** Creates a subscription and lets its endpoint validate it (the fake answers 200 unless told otherwise). */
    Subscription subscribe(Caller caller, SubscriptionRequest request) {
        Subscription s = admin.create(caller, request).subscription();
        settle();
        return subscriptions.get(s.id()).orElseThrow();
    }

    Subscription subscribe(String endpoint) {
        return subscribe(DIGDIR, request(endpoint));
    }

    /** Stores the events and runs dispatch rounds until everything is handed out and every attempt recorded. */
    void publish(CloudEvent... batch) {
        events.append(List.of(batch));
        while (engine.dispatchOnce()) {
            settle();
        }
        settle();
    }

    /** Runs scheduling rounds for what is due now. */
    void runDue() {
        while (engine.scheduleOnce()) {
            settle();
        }
        settle();
    }

    /** Waits until no delivery is held in memory (every started attempt has recorded its outcome). */
    void settle() {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (engine.held() > 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(engine.held() + " deliveries still held after 5 s");
            }
            Thread.onSpinWait();
        }
    }

    List<Delivery> deliveriesOf(Subscription s) {
        return deliveries.all().stream().filter(d -> d.subscriptionId().equals(s.id()) && !d.isValidation()).toList();
    }

    Delivery onlyDeliveryOf(Subscription s) {
        List<Delivery> all = deliveriesOf(s);
        if (all.size() != 1) {
            throw new AssertionError("expected one delivery, got " + all);
        }
        return all.get(0);
    }

    DeliveryStatus statusOf(Delivery d) {
        return deliveries.all().stream().filter(x -> x.id() == d.id()).findFirst().orElseThrow().status();
    }

    @Override
    public void close() {
        engine.close();
    }
}
