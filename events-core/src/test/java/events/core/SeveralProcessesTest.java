package events.core;

import static org.assertj.core.api.Assertions.assertThat;

import events.domain.CloudEvent;
import events.domain.EndpointPartitions;
import events.domain.RetrySchedule;
import events.domain.SubscriptionRequest;
import events.domain.SubscriptionStatus;
import events.domain.WebhookEndpoints;
import events.filter.cesql.CesqlFilterExpressions;
import events.ports.Authorizer;
import events.ports.Caller;
import events.ports.ChangeSignals.Change;
import events.ports.ChangeSignals;
import events.ports.PolicyLanguage;
import events.ports.WebhookSender;
import events.testkit.FakeWebhookSender;
import events.testkit.InMemoryChangeSignals;
import events.testkit.InMemoryDeliveryStore;
import events.testkit.InMemoryEventStore;
import events.testkit.InMemoryPolicyStore;
import events.testkit.InMemorySubscriptionStore;
import events.testkit.RecordingEventStore;
import events.testkit.TestEvents;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Engines standing for separate processes on shared in-memory stores: what one changes, the others act on at
 * once through the {@link ChangeSignals}, not after their poll interval (set to an hour here).
 */
class SeveralProcessesTest {
    private static final Caller SUBSCRIBER = new Caller("/org/ttd", Set.of(Caller.SCOPE_SUBSCRIBE), Map.of());
    private static final Caller PUBLISHER = new Caller("/org/ttd", Set.of(Caller.SCOPE_PUBLISH), Map.of());
    private static final String ENDPOINT = "http://127.0.0.1:9/hook";
    private static final PolicyLanguage ANY_POLICY = (resource, document) -> { };

    private final InMemoryEventStore events = new InMemoryEventStore();
    private final InMemoryDeliveryStore deliveries = new InMemoryDeliveryStore();
    private final InMemorySubscriptionStore subscriptions = new InMemorySubscriptionStore(deliveries);
    private final InMemoryPolicyStore policies = new InMemoryPolicyStore();
    private final InMemoryChangeSignals network = new InMemoryChangeSignals();
    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
    }

    private Events deliveringProcess(WebhookSender sender, Authorizer authorizer) {
        return deliveringProcess(sender, authorizer, b -> { });
    }

    private Events deliveringProcess(WebhookSender sender, Authorizer authorizer,
            Consumer<Events.Builder> settings) {
        ChangeSignals signals = network.node();
        Events.Builder builder = Events.builder()
                .eventStore(events)
                .authorizer(authorizer)
                .policies(policies, ANY_POLICY)
                .subscriptions(subscriptions, deliveries, sender)
                .filterExpressions(new CesqlFilterExpressions())
                .webhookEndpoints(WebhookEndpoints.builder().allowHttp(true).allowPrivate(true).build())
                .changeSignals(signals)
                .pollInterval(Duration.ofHours(1));
        settings.accept(builder);
        Events e = builder.build();
        opened.add(e);
        opened.add(signals);
        return e;
    }

    private static FakeWebhookSender answering200() {
        FakeWebhookSender sender = new FakeWebhookSender();
        sender.answer(ENDPOINT, 200);
        return sender;
    }

    /** Subscribes to {@link #ENDPOINT} through this process and waits until its endpoint validated it. */
    private UUID subscribeAndAwaitActive(Events process) throws InterruptedException {
        return subscribeAndAwaitActive(process, ENDPOINT);
    }

    private UUID subscribeAndAwaitActive(Events process, String endpoint) throws InterruptedException {
        UUID id = process.manageSubscriptions().orElseThrow().create(SUBSCRIBER,
                new SubscriptionRequest(endpoint, TestEvents.RESOURCE, null, null, null, null, List.of()))
                .subscription().id();
        await(() -> subscriptions.get(id).orElseThrow().status() == SubscriptionStatus.ACTIVE);
        return id;
    }

    /** A process that only takes publishes and policy changes: it runs no delivery engine. */
    private Events ingestProcess(ChangeSignals signals) {
        Events e = Events.builder()
                .eventStore(events)
                .authorizer(new ScopeOnlyAuthorizer())
                .policies(policies, ANY_POLICY)
                .changeSignals(signals)
                .pollInterval(Duration.ofHours(1))
                .build();
        opened.add(e);
        opened.add(signals);
        return e;
    }

    @Test
    void anEventPublishedThroughAnotherProcessIsPushedAtOnce() throws Exception {
        FakeWebhookSender sender = answering200();
        Events delivering = deliveringProcess(sender, new ScopeOnlyAuthorizer());
        Events ingest = ingestProcess(network.node());
        subscribeAndAwaitActive(delivering);
        // The dispatcher has passed the events so far and now waits for a signal (or the hour).
        Thread.sleep(300);

        CloudEvent event = TestEvents.anEvent().build();
        ingest.publishEvents().publish(PUBLISHER, List.of(event));

        await(() -> sender.sentTo(ENDPOINT).stream().anyMatch(m -> m.event().id().equals(event.id())));
    }

    @Test
    void ofSeveralDeliveringProcessesOnlyTheOwnerOfTheEndpointDispatchesSoEachEventIsPushedOnce() throws Exception {
        FakeWebhookSender senderA = new FakeWebhookSender();
        FakeWebhookSender senderB = new FakeWebhookSender();
        HookedDeliveryStore storeOfA = new HookedDeliveryStore(deliveries);
        HookedDeliveryStore storeOfB = new HookedDeliveryStore(deliveries);
        Events a = deliveringProcess(senderA, new ScopeOnlyAuthorizer(),
                p -> p.subscriptions(subscriptions, storeOfA, senderA));
        Events b = deliveringProcess(senderB, new ScopeOnlyAuthorizer(),
                p -> p.subscriptions(subscriptions, storeOfB, senderB));
        Events ingest = ingestProcess(network.node());
        awaitPartitionsShared(a, b);
        String endpoint = endpointOwnedBy(a);
        senderA.answer(endpoint, 200);
        subscribeAndAwaitActive(b, endpoint);

        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            CloudEvent event = TestEvents.anEvent().build();
            ids.add(event.id());
            ingest.publishEvents().publish(PUBLISHER, List.of(event));
            Thread.sleep(2);
        }

        await(() -> pushedEventIds(endpoint, senderA).containsAll(ids));
        Thread.sleep(300);
        assertThat(pushedEventIds(endpoint, senderA).stream().filter(ids::contains)).hasSize(ids.size()).doesNotHaveDuplicates();
        assertThat(senderB.sentTo(endpoint)).as("pushed by B, which does not own the endpoint").isEmpty();
        assertThat(storeOfA.queueings.stream().mapToInt(Integer::intValue).sum())
                .as("deliveries A stored").isEqualTo(ids.size());
        assertThat(storeOfB.queueings.stream().mapToInt(Integer::intValue).sum())
                .as("deliveries B stored").isZero();
    }

    @Test
    void whenTheProcessThatOwnsTheEndpointClosesAnotherTakesItOverAtOnce() throws Exception {
        FakeWebhookSender senderA = new FakeWebhookSender();
        FakeWebhookSender senderB = new FakeWebhookSender();
        Events a = deliveringProcess(senderA, new ScopeOnlyAuthorizer());
        Events b = deliveringProcess(senderB, new ScopeOnlyAuthorizer());
        Events ingest = ingestProcess(network.node());
        awaitPartitionsShared(a, b);
        String endpoint = endpointOwnedBy(a);
        senderA.answer(endpoint, 200);
        senderB.answer(endpoint, 200);
        subscribeAndAwaitActive(a, endpoint);
        CloudEvent first = TestEvents.anEvent().build();
        ingest.publishEvents().publish(PUBLISHER, List.of(first));
        await(() -> pushedEventIds(endpoint, senderA).contains(first.id()));

        a.close();
        CloudEvent second = TestEvents.anEvent().build();
        ingest.publishEvents().publish(PUBLISHER, List.of(second));

        // Well before A's heartbeat (10 s) would have run out.
        await(() -> pushedEventIds(endpoint, senderB).contains(second.id()));
        assertThat(pushedEventIds(endpoint, senderA)).doesNotContain(second.id());
        assertThat(pushedEventIds(endpoint, senderB)).as("what A pushed is not pushed again").doesNotContain(first.id());
    }

    /** Waits until the processes own disjoint endpoint partitions that make up all of them, each some. */
    private static void awaitPartitionsShared(Events... processes) throws InterruptedException {
        await(() -> {
            long union = 0;
            int total = 0;
            for (Events p : processes) {
                EndpointPartitions owned = p.deliveringPartitions();
                if (owned.isEmpty()) {
                    return false;
                }
                union |= owned.bits();
                total += owned.size();
            }
            return union == EndpointPartitions.ALL.bits() && total == EndpointPartitions.COUNT;
        });
    }

    @Test
    void eachEndpointIsPushedToOnlyByTheProcessThatOwnsItsPartition() throws Exception {
        FakeWebhookSender senderA = new FakeWebhookSender();
        FakeWebhookSender senderB = new FakeWebhookSender();
        Events a = deliveringProcess(senderA, new ScopeOnlyAuthorizer());
        Events b = deliveringProcess(senderB, new ScopeOnlyAuthorizer());
        Events ingest = ingestProcess(network.node());
        awaitPartitionsShared(a, b);
        List<String> endpoints = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            endpoints.add("http://127.0.0.1:9/hook/" + i);
            subscribeAndAwaitActive(i % 2 == 0 ? a : b, endpoints.get(i));
        }

        List<String> ids = publishThrough(ingest, 20);

        for (String endpoint : endpoints) {
            await(() -> Stream.concat(senderA.sentTo(endpoint).stream(), senderB.sentTo(endpoint).stream())
                    .map(m -> m.event().id()).collect(Collectors.toSet()).containsAll(ids));
            boolean ownedByA = a.deliveringPartitions().containsEndpoint(endpoint);
            FakeWebhookSender owner = ownedByA ? senderA : senderB;
            FakeWebhookSender other = ownedByA ? senderB : senderA;
            assertThat(other.sentTo(endpoint)).as("pushed by the process that does not own " + endpoint).isEmpty();
            assertThat(owner.sentTo(endpoint)).as("validation and events").hasSize(ids.size() + 1);
        }
        assertThat(senderA.sent()).as("A pushed to some endpoints").isNotEmpty();
        assertThat(senderB.sent()).as("B pushed to some endpoints").isNotEmpty();
    }

    /** Publishes {@code count} events through {@code process}, one request each; returns their ids. */
    private static List<String> publishThrough(Events process, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            CloudEvent event = TestEvents.anEvent().build();
            ids.add(event.id());
            process.publishEvents().publish(PUBLISHER, List.of(event));
        }
        return ids;
    }

    /** An endpoint whose partition {@code process} owns (when the partitions are shared). */
    private static String endpointOwnedBy(Events process) {
        for (int i = 0; ; i++) {
            String endpoint = "http://127.0.0.1:9/hook/" + i;
            if (process.deliveringPartitions().containsEndpoint(endpoint)) {
                return endpoint;
            }
        }
    }

    @Test
    void eventsPublishedThroughOneProcessArePushedByTheOwnerOfTheEndpointFromItsOwnDispatch() throws Exception {
        FakeWebhookSender senderA = new FakeWebhookSender();
        FakeWebhookSender senderB = new FakeWebhookSender();
        Events a = deliveringProcess(senderA, new ScopeOnlyAuthorizer());
        HookedDeliveryStore storeOfB = new HookedDeliveryStore(deliveries);
        Events b = deliveringProcess(senderB, new ScopeOnlyAuthorizer(),
                p -> p.subscriptions(subscriptions, storeOfB, senderB));
        awaitPartitionsShared(a, b);
        String endpoint = endpointOwnedBy(b);
        senderB.answer(endpoint, 200);
        UUID subscription = subscribeAndAwaitActive(a, endpoint);

        // through the process that does not own the endpoint: it tells the others, and B dispatches them itself
        List<String> ids = publishThrough(a, 30);

        await(() -> senderB.sentTo(endpoint).stream().map(m -> m.event().id()).toList().containsAll(ids));
        await(() -> deliveries.attempts(subscription, Long.MAX_VALUE, 100).size() == ids.size() + 1);
        assertThat(senderA.sentTo(endpoint)).as("pushed by A, which does not own the endpoint").isEmpty();
        assertThat(senderB.sentTo(endpoint)).as("validation and events, each once").hasSize(ids.size() + 1);
        assertThat(storeOfB.queueings.stream().mapToInt(Integer::intValue).sum())
                .as("deliveries B stored").isEqualTo(ids.size());
        assertThat(storeOfB.claimedEvents).as("pushed from B's dispatch, never claimed from the store").isEmpty();
        assertThat(deliveries.attempts(subscription, Long.MAX_VALUE, 100))
                .allSatisfy(attempt -> assertThat(attempt.statusCode()).isEqualTo(200));
    }

    @Test
    void aProcessThatOwnsNoSubscribedEndpointReadsNoEvents() throws Exception {
        FakeWebhookSender senderA = new FakeWebhookSender();
        Events a = deliveringProcess(senderA, new ScopeOnlyAuthorizer());
        RecordingEventStore eventsOfB = new RecordingEventStore(events);
        Events b = deliveringProcess(new FakeWebhookSender(), new ScopeOnlyAuthorizer(), p -> p.eventStore(eventsOfB));
        awaitPartitionsShared(a, b);
        String endpoint = endpointOwnedBy(a);
        senderA.answer(endpoint, 200);
        subscribeAndAwaitActive(a, endpoint);

        List<String> ids = publishThrough(a, 20);

        await(() -> senderA.sentTo(endpoint).stream().map(m -> m.event().id()).toList().containsAll(ids));
        assertThat(eventsOfB.readAlls()).as("events B read").allMatch(n -> n == 0);
        // B's partitions pass the events all the same (stored within a second)
        int ofB = EndpointPartitions.partitionOf(endpointOwnedBy(b));
        long last = events.lastSequence();
        await(() -> deliveries.dispatchCursors()[ofB] == last);
    }

    @Test
    void theBoundOnConcurrentAttemptsToOneEndpointHoldsAcrossProcesses() throws Exception {
        String slow = "http://127.0.0.1:9/slow";
        SlowEndpoint endpoint = new SlowEndpoint(Duration.ofMillis(15));
        RetrySchedule quick = new RetrySchedule(List.of(Duration.ofMillis(30), Duration.ofMillis(30),
                Duration.ofMillis(30), Duration.ofMillis(30)), 0);
        Consumer<Events.Builder> settings = b -> b.maxConcurrencyPerEndpoint(2).retrySchedule(quick);
        Events a = deliveringProcess(endpoint, new ScopeOnlyAuthorizer(), settings);
        Events b = deliveringProcess(endpoint, new ScopeOnlyAuthorizer(), settings);
        Events c = deliveringProcess(endpoint, new ScopeOnlyAuthorizer(), settings);
        Events ingest = ingestProcess(network.node());
        awaitPartitionsShared(a, b, c);
        subscribeAndAwaitActive(a, slow);

        // Every first attempt fails (500), so that retries, claimed by the schedulers, add to the first attempts.
        List<String> ids = publishThrough(ingest, 150);

        await(Duration.ofSeconds(20), () -> endpoint.delivered().containsAll(ids));
        assertThat(endpoint.mostAtOnce()).as("attempts in flight at once, across three processes").isBetween(1, 2);
    }

    @Test
    void aProcessWhoseDeliveriesFillItsMemoryGoesOnHeartbeating() throws Exception {
        String stuck = "http://127.0.0.1:9/stuck";
        FakeWebhookSender sender = new FakeWebhookSender();
        // answers its validation, then never answers again: every delivery stays held in memory
        sender.answer(stuck, m -> m.event().type().equals("platform.events.validatesubscription")
                ? CompletableFuture.completedFuture(FakeWebhookSender.status(200))
                : new CompletableFuture<>());
        HookedDeliveryStore counted = new HookedDeliveryStore(deliveries);
        Events process = deliveringProcess(sender, new ScopeOnlyAuthorizer(),
                b -> b.subscriptions(subscriptions, counted, sender).maxDeliveriesInMemory(24));
        Events ingest = ingestProcess(network.node());
        subscribeAndAwaitActive(process, stuck);
        for (int i = 0; i < 5; i++) {
            ingest.publishEvents().publish(PUBLISHER, List.of(TestEvents.anEvent().build()));
        }
        // the validation and three held deliveries: the endpoint's share, an eighth of the memory
        await(() -> sender.sentTo(stuck).size() >= 4);

        int before = counted.heartbeats.get();
        Thread.sleep(2_500);

        assertThat(counted.heartbeats.get() - before).as("heartbeats in 2.5 s with its memory full")
                .isGreaterThanOrEqualTo(2);
        assertThat(process.deliveringPartitions().isAll()).isTrue();
    }

    /**
     * An endpoint shared by every process: answers each attempt after {@code delay}, 500 to the first attempt of a
     * message and 200 to the others, and counts how many attempts were in flight at once.
     */
    private static final class SlowEndpoint implements WebhookSender {
        private final Duration delay;
        private final ScheduledExecutorService timer =
                Executors.newSingleThreadScheduledExecutor();
        private final Set<String> tried = ConcurrentHashMap.newKeySet();
        private final Set<String> delivered = ConcurrentHashMap.newKeySet();
        private final AtomicInteger inFlight = new AtomicInteger();
        private final AtomicInteger most = new AtomicInteger();

        SlowEndpoint(Duration delay) {
            this.delay = delay;
        }

        @Override
        public CompletableFuture<WebhookResponse> send(WebhookMessage message) {
            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            boolean first = tried.add(message.messageId());
            CompletableFuture<WebhookResponse> answer = new CompletableFuture<>();
            timer.schedule(() -> {
                inFlight.decrementAndGet();
                if (!first) {
                    delivered.add(message.event().id());
                }
                answer.complete(FakeWebhookSender.status(first ? 500 : 200));
            }, delay.toMillis(), TimeUnit.MILLISECONDS);
            return answer;
        }

        Set<String> delivered() {
            return delivered;
        }

        int mostAtOnce() {
            return most.get();
        }
    }

    private static List<String> pushedEventIds(FakeWebhookSender... senders) {
        return pushedEventIds(ENDPOINT, senders);
    }

    private static List<String> pushedEventIds(String endpoint, FakeWebhookSender... senders) {
        List<String> ids = new ArrayList<>();
        for (FakeWebhookSender sender : senders) {
            sender.sentTo(endpoint).forEach(m -> ids.add(m.event().id()));
        }
        return ids;
    }

    @Test
    void aPolicyChangedThroughAnotherProcessReachesThisProcessAuthorizer() throws Exception {
        AtomicInteger told = new AtomicInteger();
        Authorizer counting = new Authorizer() {
            @Override
            public List<Boolean> decide(List<events.ports.AccessRequest> requests) {
                return requests.stream().map(r -> true).toList();
            }

            @Override
            public void policiesChanged() {
                told.incrementAndGet();
            }
        };
        deliveringProcess(new FakeWebhookSender(), counting);
        Events other = ingestProcess(network.node());

        other.managePolicies().orElseThrow().put(TestEvents.RESOURCE, "<Policy/>");

        await(() -> told.get() >= 1);
    }

    /** Records what a process announces; it hears nothing. */
    private static ChangeSignals recording(List<Change> announced) {
        return new ChangeSignals() {
            @Override
            public void announce(Change change) {
                announced.add(change);
            }

            @Override
            public void listen(Change change, Runnable listener) {
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void aProcessThatDoesNotDispatchAnnouncesTheEventsItStores() {
        List<Change> announced = new CopyOnWriteArrayList<>();
        Events ingest = ingestProcess(recording(announced));

        ingest.publishEvents().publish(PUBLISHER, List.of(TestEvents.anEvent().build()));
        ingest.publishEvents().publishAsync(PUBLISHER, List.of(TestEvents.anEvent().build())).join();

        assertThat(announced).containsExactly(Change.EVENTS, Change.EVENTS);
    }

    @Test
    void aProcessThatDeliversAloneAnnouncesSubscriptionAndPolicyChangesButNotItsEvents() throws Exception {
        List<Change> announced = new CopyOnWriteArrayList<>();
        FakeWebhookSender sender = answering200();
        Events e = Events.builder()
                .eventStore(events)
                .authorizer(new ScopeOnlyAuthorizer())
                .policies(policies, ANY_POLICY)
                .subscriptions(subscriptions, deliveries, sender)
                .webhookEndpoints(WebhookEndpoints.builder().allowHttp(true).allowPrivate(true).build())
                .changeSignals(recording(announced))
                .build();
        opened.add(e);
        UUID id = e.manageSubscriptions().orElseThrow().create(SUBSCRIBER,
                new SubscriptionRequest(ENDPOINT, TestEvents.RESOURCE, null, null, null, null, List.of()))
                .subscription().id();
        await(() -> announced.contains(Change.SUBSCRIPTIONS)); // validated: now active
        announced.clear();

        CloudEvent event = TestEvents.anEvent().build();
        e.publishEvents().publish(PUBLISHER, List.of(event));
        await(() -> sender.sentTo(ENDPOINT).stream().anyMatch(m -> m.event().id().equals(event.id())));
        assertThat(announced).as("nobody else delivers").isEmpty();

        e.managePolicies().orElseThrow().put(TestEvents.RESOURCE, "<Policy/>");
        assertThat(announced).containsExactly(Change.POLICIES);

        announced.clear();
        e.manageSubscriptions().orElseThrow().delete(SUBSCRIBER, id);
        assertThat(announced).containsExactly(Change.SUBSCRIPTIONS);
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        await(Duration.ofSeconds(5), condition);
    }

    private static void await(Duration within, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + within);
            }
            Thread.sleep(10);
        }
    }
}
