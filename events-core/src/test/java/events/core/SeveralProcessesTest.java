package events.core;

import static org.assertj.core.api.Assertions.assertThat;

import events.domain.CloudEvent;
import events.domain.SubscriptionRequest;
import events.domain.SubscriptionStatus;
import events.domain.WebhookEndpoints;
import events.filter.cesql.CesqlFilterExpressions;
import events.ports.Authorizer;
import events.ports.Caller;
import events.ports.ChangeSignals;
import events.ports.ChangeSignals.Change;
import events.ports.PolicyLanguage;
import events.testkit.InMemoryChangeSignals;
import events.testkit.InMemoryDeliveryStore;
import events.testkit.InMemoryEventStore;
import events.testkit.InMemoryPolicyStore;
import events.testkit.InMemorySubscriptionStore;
import events.testkit.TestEvents;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
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
    private final InMemorySubscriptionStore subscriptions = new InMemorySubscriptionStore();
    private final InMemoryDeliveryStore deliveries = new InMemoryDeliveryStore();
    private final InMemoryPolicyStore policies = new InMemoryPolicyStore();
    private final InMemoryChangeSignals network = new InMemoryChangeSignals();
    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
    }

    private Events deliveringProcess(FakeWebhookSender sender, Authorizer authorizer) {
        ChangeSignals signals = network.node();
        Events e = Events.builder()
                .eventStore(events)
                .authorizer(authorizer)
                .policies(policies, ANY_POLICY)
                .subscriptions(subscriptions, deliveries, sender)
                .filterExpressions(new CesqlFilterExpressions())
                .webhookEndpoints(WebhookEndpoints.builder().allowHttp(true).allowPrivate(true).build())
                .changeSignals(signals)
                .pollInterval(Duration.ofHours(1))
                .build();
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
        UUID id = process.manageSubscriptions().orElseThrow().create(SUBSCRIBER,
                new SubscriptionRequest(ENDPOINT, TestEvents.RESOURCE, null, null, null, null, List.of()))
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
    void ofSeveralDeliveringProcessesOnlyOneDispatchesSoEachEventIsPushedOnce() throws Exception {
        FakeWebhookSender senderA = answering200();
        FakeWebhookSender senderB = answering200();
        Events a = deliveringProcess(senderA, new ScopeOnlyAuthorizer());
        deliveringProcess(senderB, new ScopeOnlyAuthorizer());
        Events ingest = ingestProcess(network.node());
        subscribeAndAwaitActive(a);

        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            CloudEvent event = TestEvents.anEvent().build();
            ids.add(event.id());
            ingest.publishEvents().publish(PUBLISHER, List.of(event));
            Thread.sleep(2);
        }

        await(() -> pushedEventIds(senderA, senderB).containsAll(ids));
        Thread.sleep(300);
        List<String> pushed = pushedEventIds(senderA, senderB);
        assertThat(pushed.stream().filter(ids::contains)).hasSize(ids.size()).doesNotHaveDuplicates();
    }

    @Test
    void whenTheDispatchingProcessClosesAnotherTakesOverAtOnce() throws Exception {
        FakeWebhookSender senderA = answering200();
        FakeWebhookSender senderB = answering200();
        Events a = deliveringProcess(senderA, new ScopeOnlyAuthorizer());
        Events ingest = ingestProcess(network.node());
        subscribeAndAwaitActive(a);
        CloudEvent first = TestEvents.anEvent().build();
        ingest.publishEvents().publish(PUBLISHER, List.of(first));
        await(() -> pushedEventIds(senderA).contains(first.id()));
        deliveringProcess(senderB, new ScopeOnlyAuthorizer());

        a.close();
        CloudEvent second = TestEvents.anEvent().build();
        ingest.publishEvents().publish(PUBLISHER, List.of(second));

        // Well before A's lease (10 s) would have run out.
        await(() -> pushedEventIds(senderB).contains(second.id()));
        assertThat(pushedEventIds(senderA)).doesNotContain(second.id());
    }

    private static List<String> pushedEventIds(FakeWebhookSender... senders) {
        List<String> ids = new ArrayList<>();
        for (FakeWebhookSender sender : senders) {
            sender.sentTo(ENDPOINT).forEach(m -> ids.add(m.event().id()));
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
    void theDispatchingProcessAnnouncesSubscriptionAndPolicyChangesButNotItsEvents() throws Exception {
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
        assertThat(announced).as("nobody else dispatches").isEmpty();

        e.managePolicies().orElseThrow().put(TestEvents.RESOURCE, "<Policy/>");
        assertThat(announced).containsExactly(Change.POLICIES);

        announced.clear();
        e.manageSubscriptions().orElseThrow().delete(SUBSCRIBER, id);
        assertThat(announced).containsExactly(Change.SUBSCRIPTIONS);
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 5 s");
            }
            Thread.sleep(10);
        }
    }
}
