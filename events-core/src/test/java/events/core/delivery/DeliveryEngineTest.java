package events.core.delivery;

import static events.core.delivery.DeliveryFixture.DIGDIR;
import static events.testkit.TestEvents.anEvent;
import static org.assertj.core.api.Assertions.assertThat;

import events.domain.CloudEvent;
import events.domain.Delivery;
import events.domain.DeliveryAttempt;
import events.domain.DeliveryStatus;
import events.domain.EndpointPartitions;
import events.domain.StoredEvent;
import events.domain.Subscription;
import events.domain.SubscriptionFilter;
import events.domain.SubscriptionRequest;
import events.domain.SubscriptionStatus;
import events.domain.WebhookSignature;
import events.ports.Action;
import events.ports.DeliveryQueue.NewDelivery;
import events.ports.WebhookSender.WebhookMessage;
import events.ports.WebhookSender.WebhookResponse;
import events.testkit.FakeWebhookSender;
import events.testkit.TestEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeliveryEngineTest {
    private static final String A = "http://127.0.0.1:9001/a";
    private static final String B = "http://127.0.0.1:9002/b";
    private final DeliveryFixture f = new DeliveryFixture();

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void validatesEndpointBeforeAnythingElseAndActivatesOn2xx() {
        f.sender.answer(A, 204);
        Subscription s = f.subscribe(A);

        assertThat(s.status()).isEqualTo(SubscriptionStatus.ACTIVE);
        assertThat(s.validated()).isEqualTo(f.clock.instant());
        WebhookMessage validation = f.sender.sentTo(A).get(0);
        assertThat(validation.event().type()).isEqualTo("platform.events.validatesubscription");
        assertThat(validation.event().source()).isEqualTo("https://events.example/events/api/v1/subscriptions/" + s.id());
        assertThat(validation.event().id()).isEqualTo(s.id().toString());
    }

    @Test
    void pendingSubscriptionGetsNoEventsAndValidationIsRetriedLikeADelivery() {
        f.sender.answer(A, 500);
        Subscription s = f.subscribe(A);
        assertThat(s.status()).isEqualTo(SubscriptionStatus.PENDING);

        f.publish(anEvent().build());
        assertThat(f.sender.sentTo(A)).hasSize(1); // the validation only

        f.sender.answer(A, 200);
        f.clock.advance(Duration.ofSeconds(9));
        f.runDue();
        assertThat(f.sender.sentTo(A)).hasSize(1);
        f.clock.advance(Duration.ofSeconds(1));
        f.runDue();
        assertThat(f.sender.sentTo(A)).hasSize(2);
        assertThat(f.subscriptions.get(s.id()).orElseThrow().status()).isEqualTo(SubscriptionStatus.ACTIVE);
        // the event stored while it was pending is not sent
        assertThat(f.sender.sentTo(A)).allMatch(m -> m.event().type().equals("platform.events.validatesubscription"));
    }

    @Test
    void deliversMatchingEventsSignedWithAStableMessageId() {
        Subscription s = f.subscribe(A);
        CloudEvent event = anEvent().build();
        f.publish(event);

        List<WebhookMessage> events = f.sender.sentTo(A).subList(1, f.sender.sentTo(A).size());
        assertThat(events).hasSize(1);
        WebhookMessage m = events.get(0);
        assertThat(m.event()).isEqualTo(event);
        Delivery d = f.onlyDeliveryOf(s);
        assertThat(m.messageId()).isEqualTo(d.messageId());
        assertThat(m.secrets()).isEqualTo(f.subscriptions.secrets(s.id(), f.clock.instant()));
        assertThat(f.statusOf(d)).isEqualTo(DeliveryStatus.DELIVERED);
        List<DeliveryAttempt> log = f.deliveries.attempts(s.id(), Long.MAX_VALUE, 10);
        assertThat(log.get(0).eventId()).isEqualTo(event.id());
        assertThat(log.get(0).statusCode()).isEqualTo(200);
        assertThat(log.get(0).attempt()).isEqualTo(1);
    }

    @Test
    void matchesResourceSubjectTypeSourceAndFilters() {
        Subscription all = f.subscribe(A);
        Subscription narrow = f.subscribe(DIGDIR, new SubscriptionRequest(B, TestEvents.RESOURCE, "/party/1", "t.a",
                null, null, List.of(new SubscriptionFilter.Prefix(Map.of("source", "https://x")),
                        new SubscriptionFilter.Sql("type = 'zzz' OR subject = '/party/1'"))));

        f.publish(anEvent().subject("/party/1").type("t.a").source("https://x/1").build(),
                anEvent().subject("/party/2").type("t.a").source("https://x/1").build(),
                anEvent().subject("/party/1").type("t.b").source("https://x/1").build(),
                anEvent().subject("/party/1").type("t.a").source("https://y/1").build(),
                anEvent().resource("urn:altinn:resource:other").subject("/party/1").type("t.a").source("https://x").build());

        assertThat(f.deliveriesOf(all)).hasSize(4);
        assertThat(f.deliveriesOf(narrow)).hasSize(1);
    }

    @Test
    void retriesOnTheScheduleThenDeadLettersAndRedriveDeliversAgain() {
        Subscription s = f.subscribe(A);
        f.sender.answer(A, 500);
        f.publish(anEvent().build());
        Delivery d = f.onlyDeliveryOf(s);
        Instant first = f.clock.instant();

        for (Duration wait : List.of(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(1))) {
            Delivery pending = f.onlyDeliveryOf(s);
            assertThat(pending.status()).isEqualTo(DeliveryStatus.PENDING);
            assertThat(pending.nextAttemptAt()).isEqualTo(f.clock.instant().plus(wait));
            f.clock.advance(wait.minusMillis(1));
            f.runDue();
            assertThat(f.onlyDeliveryOf(s).attempts()).isEqualTo(pending.attempts());
            f.clock.advance(Duration.ofMillis(1));
            f.runDue();
        }
        assertThat(f.statusOf(d)).isEqualTo(DeliveryStatus.DEAD);
        assertThat(f.deliveries.deadLetters(s.id(), 0, 10)).extracting(Delivery::id).containsExactly(d.id());
        List<DeliveryAttempt> log = f.deliveries.attempts(s.id(), Long.MAX_VALUE, 10).stream()
                .filter(a -> a.deliveryId() == d.id()).toList();
        assertThat(log).extracting(DeliveryAttempt::attempt).containsExactly(4, 3, 2, 1);
        assertThat(log.get(3).at()).isEqualTo(first);
        assertThat(log.get(0).error()).isEqualTo("HTTP 500");

        f.sender.answer(A, 200);
        assertThat(f.admin.redrive(DIGDIR, s.id())).isEqualTo(1);
        f.runDue();
        assertThat(f.statusOf(d)).isEqualTo(DeliveryStatus.DELIVERED);
        List<WebhookMessage> toA = f.sender.sentTo(A);
        assertThat(toA.subList(1, toA.size())).extracting(WebhookMessage::messageId).containsOnly(d.messageId());
    }

    @Test
    void waitsAtLeastRetryAfterOn429And503ButNotOnOtherStatuses() {
        Subscription s = f.subscribe(A);
        f.sender.answer(A, new WebhookResponse(429, Duration.ofMinutes(5), null, Duration.ofMillis(1)));
        f.publish(anEvent().build());
        assertThat(f.onlyDeliveryOf(s).nextAttemptAt()).isEqualTo(f.clock.instant().plus(Duration.ofMinutes(5)));

        Subscription t = f.subscribe(B);
        f.sender.answer(B, new WebhookResponse(500, Duration.ofMinutes(5), null, Duration.ofMillis(1)));
        f.publish(anEvent().build());
        assertThat(f.deliveriesOf(t).get(0).nextAttemptAt()).isEqualTo(f.clock.instant().plus(Duration.ofSeconds(10)));
    }

    @Test
    void goneDisablesTheSubscriptionAndCancelsWhatIsPending() {
        Subscription s = f.subscribe(A);
        f.sender.answer(A, 500);
        f.publish(anEvent().build());
        f.sender.answer(A, 410);
        f.publish(anEvent().build());

        assertThat(f.subscriptions.get(s.id()).orElseThrow().status()).isEqualTo(SubscriptionStatus.DISABLED);
        assertThat(f.deliveriesOf(s)).extracting(Delivery::status).containsOnly(DeliveryStatus.CANCELLED);
        int sent = f.sender.sentTo(A).size();
        f.publish(anEvent().build());
        f.clock.advance(Duration.ofHours(1));
        f.runDue();
        assertThat(f.sender.sentTo(A)).hasSize(sent);
    }

    @Test
    void eachPushIsAuthorizedForTheSubscriberAndDeniedEventsAreNotSent() {
        Subscription s = f.subscribe(A);
        f.policy.set(r -> !"/party/666".equals(r.subject()));
        CloudEvent allowed = anEvent().subject("/party/1").build();
        CloudEvent denied = anEvent().subject("/party/666").build();
        f.publish(allowed, denied);

        assertThat(f.sender.sentTo(A)).extracting(WebhookMessage::event).contains(allowed).doesNotContain(denied);
        assertThat(f.deliveriesOf(s)).extracting(Delivery::status)
                .containsExactlyInAnyOrder(DeliveryStatus.DELIVERED, DeliveryStatus.DENIED);
        List<events.ports.AccessRequest> pushes = f.authorizer.requests().stream()
                .filter(r -> r.event() != null).toList();
        assertThat(pushes).allSatisfy(r -> {
            assertThat(r.action()).isEqualTo(Action.SUBSCRIBE);
            assertThat(r.caller().consumer()).isEqualTo("/org/digdir");
        });
    }

    @Test
    void revokedGrantStopsRetries() {
        Subscription s = f.subscribe(A);
        f.sender.answer(A, 503);
        f.publish(anEvent().build());
        f.policy.set(r -> r.event() == null);
        f.sender.answer(A, 200);
        f.clock.advance(Duration.ofSeconds(10));
        f.runDue();
        assertThat(f.onlyDeliveryOf(s).status()).isEqualTo(DeliveryStatus.DENIED);
        assertThat(f.sender.sentTo(A)).hasSize(2);
    }

    @Test
    void aGrantRevokedWhileADeliveryWaitsInItsLaneStopsIt() {
        DeliveryFixture one = new DeliveryFixture(
                events.domain.WebhookEndpoints.builder().allowHttp(true).allowPrivate(true).build(), 1, 10_000);
        try {
            Subscription s = one.subscribe(A);
            int validation = one.sender.sentTo(A).size();
            CompletableFuture<WebhookResponse> slow = new CompletableFuture<>();
            one.sender.answer(A, m -> slow);
            CloudEvent first = anEvent().build();
            CloudEvent waiting = anEvent().build();
            one.events.append(List.of(first, waiting));
            one.engine.dispatchOnce();
            awaitSent(one, A, validation + 1); // the first in flight, the second waits in the lane

            one.policy.set(r -> r.event() == null || !r.event().id().equals(waiting.id()));
            one.sender.answer(A, 200);
            slow.complete(FakeWebhookSender.status(200));
            one.settle();

            assertThat(one.sender.sentTo(A)).extracting(WebhookMessage::event).contains(first)
                    .doesNotContain(waiting);
            assertThat(one.deliveriesOf(s)).extracting(Delivery::eventId, Delivery::status).containsExactlyInAnyOrder(
                    org.assertj.core.groups.Tuple.tuple(first.id(), DeliveryStatus.DELIVERED),
                    org.assertj.core.groups.Tuple.tuple(waiting.id(), DeliveryStatus.DENIED));
        } finally {
            one.close();
        }
    }

    @Test
    void anEndpointThatNeverAnswersHoldsOnlyItsShareOfMemoryAndTheOthersAreServedAtOnce() {
        // 80 deliveries in memory at most: an endpoint holds 10 at most
        DeliveryFixture small = new DeliveryFixture(
                events.domain.WebhookEndpoints.builder().allowHttp(true).allowPrivate(true).build(), 4, 80);
        try {
            Subscription stuck = small.subscribe(A);
            Subscription healthy = small.subscribe(B);
            small.sender.answer(A, m -> new CompletableFuture<>()); // never answers
            small.events.append(IntStream.range(0, 300).mapToObj(i -> anEvent().build()).toList());
            small.engine.dispatchOnce();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (small.sender.sentTo(B).size() < 301 || small.engine.held() > 10) {
                assertThat(System.nanoTime()).as("B served within 5 s: %d sent to B, %d held",
                        small.sender.sentTo(B).size(), small.engine.held()).isLessThan(deadline);
                small.engine.scheduleOnce();
                Thread.onSpinWait();
            }

            assertThat(small.engine.held()).as("A's share: 10, of which 4 in flight").isEqualTo(10);
            assertThat(small.sender.sentTo(A)).hasSize(1 + 4);
            assertThat(small.deliveriesOf(healthy)).hasSize(300)
                    .allSatisfy(d -> assertThat(d.status()).isEqualTo(DeliveryStatus.DELIVERED));
            assertThat(small.deliveriesOf(stuck)).hasSize(300)
                    .allSatisfy(d -> assertThat(d.status()).isEqualTo(DeliveryStatus.PENDING));
            // its waiting deliveries are not claimed while its share is used up
            small.engineDeliveries.claimedEvents.clear();
            small.engine.scheduleOnce();
            assertThat(small.engineDeliveries.claimedEvents).isEmpty();
        } finally {
            small.close();
        }
    }

    @Test
    void endpointsThatNeverAnswerHoldBackTheRestOfTheirHostForASecondAtMost() {
        // 4 attempts per endpoint, 8 young ones per host: two stuck endpoints fill their host
        DeliveryFixture f = new DeliveryFixture(
                events.domain.WebhookEndpoints.builder().allowHttp(true).allowPrivate(true).build(), 4, 8, 10_000,
                64L << 20);
        try {
            String stuck1 = "http://127.0.0.1:9001/stuck/1";
            String stuck2 = "http://127.0.0.1:9001/stuck/2";
            String healthy = "http://127.0.0.1:9001/healthy";
            f.subscribe(stuck1);
            f.subscribe(stuck2);
            f.subscribe(healthy);
            f.sender.answer(stuck1, m -> new CompletableFuture<>());
            f.sender.answer(stuck2, m -> new CompletableFuture<>());
            f.events.append(IntStream.range(0, 10).mapToObj(i -> anEvent().build()).toList());
            long started = System.nanoTime();
            f.engine.dispatchOnce();

            awaitSent(f, healthy, 1 + 10);
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            // each stuck endpoint's fourth attempt may leave the host's queue just after the healthy one's last
            awaitSent(f, stuck1, 1 + 4);
            awaitSent(f, stuck2, 1 + 4);
            assertThat(f.sender.sentTo(stuck1)).as("no more than its concurrency").hasSize(1 + 4);
            assertThat(f.sender.sentTo(stuck2)).as("no more than its concurrency").hasSize(1 + 4);
            // the healthy endpoint waited for the stuck attempts to stop counting (a second), not for their timeout
            assertThat(tookMillis).isLessThan(5_000);
        } finally {
            f.close();
        }
    }

    @Test
    void heldBytesFollowTheEventsHeldAndReturnToZero() {
        DeliveryFixture one = new DeliveryFixture(
                events.domain.WebhookEndpoints.builder().allowHttp(true).allowPrivate(true).build(), 1, 10_000);
        try {
            one.subscribe(A);
            CompletableFuture<WebhookResponse> slow = new CompletableFuture<>();
            one.sender.answer(A, m -> slow);
            events.domain.EventData big = new events.domain.EventData.Json("\"" + "x".repeat(100_000) + "\"");
            one.events.append(List.of(anEvent().data(big).build(), anEvent().data(big).build()));
            one.engine.dispatchOnce();

            assertThat(one.engine.heldBytes()).isBetween(2 * 200_000L, 2 * 200_000L + 10_000);
            one.sender.answer(A, 200);
            slow.complete(FakeWebhookSender.status(200));
            one.settle();
            assertThat(one.engine.heldBytes()).isZero();
        } finally {
            one.close();
        }
    }

    private static void awaitSent(DeliveryFixture fixture, String endpoint, int n) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (fixture.sender.sentTo(endpoint).size() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(fixture.sender.sentTo(endpoint).size() + " sent to " + endpoint + ", not " + n);
            }
            Thread.onSpinWait();
        }
    }

    @Test
    void aSlowEndpointDelaysOnlyItself() {
        f.subscribe(A);
        f.subscribe(B);
        List<CompletableFuture<WebhookResponse>> stuck = new ArrayList<>();
        f.sender.answer(A, m -> {
            CompletableFuture<WebhookResponse> never = new CompletableFuture<>();
            synchronized (stuck) {
                stuck.add(never);
            }
            return never;
        });
        f.events.append(IntStream.range(0, 50).mapToObj(i -> anEvent().build()).toList());
        while (f.engine.dispatchOnce()) {
            // dispatch everything
        }
        // A holds 4 in flight (its lane's limit) and queues its share (32); B got all 50 already
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (f.sender.sentTo(B).size() < 51 && System.nanoTime() < deadline) {
            f.engine.scheduleOnce();
            Thread.onSpinWait();
        }
        assertThat(f.sender.sentTo(B)).hasSize(51);
        assertThat(f.sender.sentTo(A)).hasSize(1 + 4);
        synchronized (stuck) {
            stuck.forEach(c -> c.complete(FakeWebhookSender.status(200)));
        }
        deadline = System.nanoTime() + 5_000_000_000L;
        while (f.sender.sentTo(A).size() < 51 && System.nanoTime() < deadline) {
            synchronized (stuck) {
                stuck.forEach(c -> c.complete(FakeWebhookSender.status(200)));
            }
            f.engine.scheduleOnce(); // what did not fit A's share waits in the store
            Thread.onSpinWait();
        }
        assertThat(f.sender.sentTo(A)).hasSize(51);
    }

    @Test
    void deliveriesOfAProcessThatDiedAreAttemptedAfterTheirLease() {
        Subscription s = f.subscribe(A);
        // another process dispatched and died before attempting: the delivery is leased, not due
        CloudEvent event = anEvent().build();
        long seq = f.events.append(List.of(event)).get(0).sequence();
        f.deliveries.queue(List.of(new NewDelivery(s.id(), seq, event.id())), f.clock.instant().plus(DeliveryFixture.LEASE));
        f.runDue();
        assertThat(f.onlyDeliveryOf(s).status()).isEqualTo(DeliveryStatus.PENDING);

        f.clock.advance(DeliveryFixture.LEASE);
        f.runDue();
        assertThat(f.onlyDeliveryOf(s).status()).isEqualTo(DeliveryStatus.DELIVERED);
        // and this process's dispatcher does not queue it twice
        f.publish();
        assertThat(f.deliveriesOf(s)).hasSize(1);
    }

    @Test
    void anAttemptLostInThisProcessIsAbandonedAfterTwoLeasesAndItsLaneServesItAgain() {
        DeliveryFixture one = new DeliveryFixture(
                events.domain.WebhookEndpoints.builder().allowHttp(true).allowPrivate(true).build(), 1, 10_000);
        try {
            Subscription s = one.subscribe(A);
            java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
            one.sender.answer(A, m -> calls.incrementAndGet() == 1 ? new CompletableFuture<>() // never answers
                    : CompletableFuture.completedFuture(FakeWebhookSender.status(200)));
            one.events.append(List.of(anEvent().build()));
            one.engine.dispatchOnce();
            while (calls.get() < 1) {
                Thread.onSpinWait(); // the attempt starts on another thread, at this clock's time
            }

            one.clock.advance(DeliveryFixture.LEASE);
            one.engine.scheduleOnce(); // due again: its lease is renewed, it is not sent twice
            assertThat(calls.get()).isEqualTo(1);

            one.clock.advance(DeliveryFixture.LEASE.plusMillis(1));
            one.engine.scheduleOnce(); // started more than two leases ago: abandoned, its lane's one place freed
            one.engine.scheduleOnce(); // claimed again and sent through that place
            one.settle();
            assertThat(calls.get()).isEqualTo(2);
            assertThat(one.onlyDeliveryOf(s).status()).isEqualTo(DeliveryStatus.DELIVERED);
        } finally {
            one.close();
        }
    }

    @Test
    void anEventLargerThanAnEndpointsShareOfMemoryIsStillDelivered() {
        DeliveryFixture tight = new DeliveryFixture(
                events.domain.WebhookEndpoints.builder().allowHttp(true).allowPrivate(true).build(), 4, 10_000,
                80_000);
        try {
            Subscription s = tight.subscribe(A);
            events.domain.EventData big = new events.domain.EventData.Json("\"" + "x".repeat(50_000) + "\"");

            tight.publish(anEvent().data(big).build(), anEvent().data(big).build());
            tight.runDue();
            tight.clock.advance(Scheduler.PARKED);
            tight.runDue();

            assertThat(tight.deliveriesOf(s)).hasSize(2)
                    .allSatisfy(d -> assertThat(d.status()).isEqualTo(DeliveryStatus.DELIVERED));
        } finally {
            tight.close();
        }
    }

    @Test
    void closingWaitsForTheAttemptsInFlightAndRecordsTheirOutcomes() throws InterruptedException {
        Subscription s = f.subscribe(A);
        CompletableFuture<WebhookResponse> slow = new CompletableFuture<>();
        f.sender.answer(A, m -> slow);
        f.events.append(List.of(anEvent().build()));
        f.engine.dispatchOnce();
        awaitSent(f, A, 2);

        Thread closing = new Thread(f::close);
        closing.start();
        while (closing.getState() != Thread.State.TIMED_WAITING) {
            Thread.onSpinWait(); // closing waits for the attempt
        }
        slow.complete(FakeWebhookSender.status(200));
        closing.join(10_000);

        assertThat(f.onlyDeliveryOf(s).status()).isEqualTo(DeliveryStatus.DELIVERED);
    }

    @Test
    void aPartitionThatLagsCatchesUpToTheOthersAndThenGoesWithThem() {
        // Stored while A's partition was a process's that died before it dispatched them; the process that owned every
        // other partition passed them.
        long last = f.events.append(List.of(anEvent().build(), anEvent().build(), anEvent().build())).get(2).sequence();
        EndpointPartitions others = new EndpointPartitions(~EndpointPartitions.of(EndpointPartitions.partitionOf(A))
                .bits());
        assertThat(f.deliveries.moveDispatchCursor(others, 0, last)).isTrue();
        Subscription s = f.subscribe(A);

        f.publish(anEvent().build());

        assertThat(f.deliveriesOf(s)).hasSize(4);
        assertThat(f.sender.sentTo(A)).as("validation and four events, each once").hasSize(5);
        assertThat(f.events.readAlls()).as("events read: the lagging partition's three (of four read), then the new"
                + " one once for all").containsExactly(4, 1);
        f.clock.advance(Dispatcher.CHECKPOINT);
        f.engine.dispatchOnce();
        assertThat(f.deliveries.dispatchCursors()).as("all in one place").containsOnly(last + 1);
    }

    @Test
    void whenAnotherProcessMovedTheCursorTheDispatcherGoesOnFromThereAfterItsCheckpoint() {
        Subscription s = f.subscribe(A);
        f.publish(anEvent().build());
        // another process (that owned the partition for a moment) queued the next event and moved the cursor past it
        StoredEvent second = f.events.append(List.of(anEvent().build())).get(0);
        f.deliveries.queue(List.of(new NewDelivery(s.id(), second.sequence(), second.event().id())),
                f.clock.instant().plus(DeliveryFixture.LEASE));
        assertThat(f.deliveries.moveDispatchCursor(EndpointPartitions.ALL, f.deliveries.dispatchCursor(),
                second.sequence())).isTrue();
        f.clock.advance(Dispatcher.CHECKPOINT);

        f.publish(anEvent().build());
        long third = f.events.lastSequence();

        // its checkpoint found the cursor moved: it reads from there (the third again, queued already)
        f.engine.dispatchOnce();
        f.clock.advance(Dispatcher.CHECKPOINT);
        f.engine.dispatchOnce();

        assertThat(f.deliveriesOf(s)).hasSize(3);
        assertThat(f.sender.sentTo(A)).as("validation, first and third, once each: the second is the other's")
                .hasSize(3);
        assertThat(f.deliveries.dispatchCursor()).isEqualTo(third);
    }

    @Test
    void subscriptionActivatedElsewhereGetsTheVeryNextEvent() {
        f.sender.answer(A, 500);
        Subscription s = f.subscribe(A);
        assertThat(s.status()).isEqualTo(SubscriptionStatus.PENDING);
        // another process validated it; this process has not refreshed its index since
        f.subscriptions.setStatus(s.id(), SubscriptionStatus.ACTIVE, f.clock.instant());
        f.sender.answer(A, 200);

        f.publish(anEvent().build());
        assertThat(f.onlyDeliveryOf(s).status()).isEqualTo(DeliveryStatus.DELIVERED);
    }

    @Test
    void theStoredCursorFollowsWithinACheckpointWhetherEventsMatchedOrNot() {
        Subscription s = f.subscribe(A);
        f.publish(anEvent().build());
        long stored = f.deliveries.dispatchCursor();

        long skipped = f.events.append(List.of(elsewhere(), elsewhere())).get(1).sequence();
        assertThat(f.engine.dispatchOnce()).isFalse();
        assertThat(f.deliveries.dispatchCursor()).isEqualTo(stored);
        f.clock.advance(Dispatcher.CHECKPOINT);
        f.engine.dispatchOnce();
        assertThat(f.deliveries.dispatchCursor()).isEqualTo(skipped);

        // a batch that matches is queued at once; the cursor follows at the next checkpoint
        long matched = f.events.append(List.of(anEvent().build())).get(0).sequence();
        f.engine.dispatchOnce();
        f.settle();
        assertThat(f.deliveriesOf(s)).hasSize(2);
        assertThat(f.deliveries.dispatchCursor()).isEqualTo(skipped);
        f.clock.advance(Dispatcher.CHECKPOINT);
        f.engine.dispatchOnce();
        assertThat(f.deliveries.dispatchCursor()).isEqualTo(matched);
    }

    @Test
    void eventsDispatchedAgainFromAStoredCursorBehindThemArePushedOnce() {
        Subscription s = f.subscribe(A);
        f.publish(anEvent().build(), anEvent().build());
        long before = f.deliveries.dispatchCursor();
        assertThat(before).as("not written yet").isLessThan(f.events.lastSequence());
        // as after a crash, or for the next owner of the partition: another process starts from the stored cursor
        f.clock.advance(NodeMembership.NODE_ALIVE.plusSeconds(1)); // the first counts as gone
        FakeWebhookSender otherSender = new FakeWebhookSender();
        otherSender.answer(A, 200);
        try (DeliveryEngine other = new DeliveryEngine(f.events, f.subscriptions, f.deliveries, otherSender,
                f.authorizer, new SubscriptionIndex(f.subscriptions, null), f.clock,
                new DeliveryEngine.Settings(DeliveryFixture.SCHEDULE, DeliveryFixture.LEASE, 4, 64, 10_000, 64L << 20,
                        () -> "https://events.example", Duration.ofSeconds(1)), () -> 0.5,
                events.ports.ChangeSignals.NONE)) {
            f.events.append(List.of(anEvent().build()));
            while (other.dispatchOnce()) {
                Thread.onSpinWait();
            }
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (other.held() > 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }

            assertThat(f.deliveriesOf(s)).hasSize(3).allSatisfy(d -> assertThat(d.attempts()).isEqualTo(1));
            assertThat(otherSender.sentTo(A)).as("only the event the first had not dispatched").hasSize(1);
        }
    }

    @Test
    void closingStoresTheCursorPastSkippedEvents() {
        f.subscribe(A);
        long skipped = f.events.append(List.of(elsewhere())).get(0).sequence();
        f.engine.start();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (f.engine.dispatched() < skipped && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(f.engine.dispatched()).isEqualTo(skipped);
        assertThat(f.deliveries.dispatchCursor()).isLessThan(skipped);
        f.close();
        assertThat(f.deliveries.dispatchCursor()).isEqualTo(skipped);
    }

    @Test
    void withoutActiveSubscriptionsEventsArePassedWithoutBeingRead() {
        long last = f.events.append(List.of(anEvent().build(), elsewhere())).get(1).sequence();

        assertThat(f.engine.dispatchOnce()).isFalse();
        assertThat(f.engine.dispatched()).isEqualTo(last);
        assertThat(f.events.readAlls()).isEmpty();
        f.clock.advance(Dispatcher.CHECKPOINT);
        f.engine.dispatchOnce();
        assertThat(f.deliveries.dispatchCursor()).isEqualTo(last);

        // once a subscription is active, events are read and matched again; those passed stay passed
        Subscription s = f.subscribe(A);
        CloudEvent next = anEvent().build();
        f.publish(next);
        assertThat(f.events.readAlls()).isNotEmpty();
        assertThat(f.deliveriesOf(s)).singleElement().satisfies(d -> assertThat(d.eventId()).isEqualTo(next.id()));
    }

    @Test
    void withoutActiveSubscriptionsTheRunningDispatcherPassesAtMostTenTimesASecond() throws Exception {
        f.engine.start();
        long end = System.nanoTime() + 1_000_000_000L;
        long last = 0;
        while (System.nanoTime() < end) {
            last = f.events.append(List.of(anEvent().build())).get(0).sequence();
            f.engine.wake();
            Thread.sleep(2);
        }
        int passes = f.events.lastSequenceReads();
        // about 300 wakes in that second; one pass each would be about 300 reads (ten a second allows a few over)
        assertThat(passes).isBetween(1, 15);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (f.engine.dispatched() < last && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(f.engine.dispatched()).isEqualTo(last);
        assertThat(f.events.readAlls()).isEmpty();
    }

    /** A subscription to {@link #A}, and a dispatcher that has owned its partitions long enough to push while storing. */
    private Subscription subscribedPushingWhileStoring() {
        Subscription s = f.subscribe(A);
        f.publish(anEvent().build()); // the dispatcher's first round: it begins owning here
        keepOwning(Dispatcher.STORE_FIRST);
        return s;
    }

    /** Lets {@code time} pass with a heartbeat every second, as the running engine's. */
    private void keepOwning(Duration time) {
        Duration beat = NodeMembership.HEARTBEAT;
        for (Duration passed = Duration.ZERO; passed.compareTo(time) < 0; passed = passed.plus(beat)) {
            f.clock.advance(beat);
            f.engine.heartbeatIfDue();
        }
    }

    /** Whether {@code endpoint} has had more than {@code n} pushes within {@code millis} (a bounded look). */
    private static boolean sentMoreThanWithin(DeliveryFixture fixture, String endpoint, int n, long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (System.nanoTime() < deadline) {
            if (fixture.sender.sentTo(endpoint).size() > n) {
                return true;
            }
            Thread.onSpinWait();
        }
        return fixture.sender.sentTo(endpoint).size() > n;
    }

    @Test
    void onceAProcessHasDispatchedItsPartitionsForAWhileItPushesDeliveriesWhileTheyAreStored() {
        Subscription s = subscribedPushingWhileStoring();
        int before = f.sender.sentTo(A).size();
        List<Integer> sentWhileStoring = new ArrayList<>();
        f.engineDeliveries.beforeQueue(() -> {
            awaitSent(f, A, before + 1); // the push does not wait for the store
            sentWhileStoring.add(f.sender.sentTo(A).size());
        });

        f.publish(anEvent().build());

        assertThat(sentWhileStoring).containsExactly(before + 1);
        assertThat(f.deliveriesOf(s)).hasSize(2).allSatisfy(d -> {
            assertThat(d.status()).as("recorded once stored").isEqualTo(DeliveryStatus.DELIVERED);
            assertThat(d.attempts()).isEqualTo(1);
        });
        assertThat(f.engine.held()).isZero();
    }

    @Test
    void aDeliveryPushedWhileStoredThatAnotherDispatchQueuedFirstIsLeftToThatOne() {
        Subscription s = subscribedPushingWhileStoring();
        CloudEvent event = anEvent().build();
        long sequence = f.events.append(List.of(event)).get(0).sequence();
        java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);
        int before = f.sender.sentTo(A).size();
        f.engineDeliveries.beforeQueue(() -> {
            if (first.getAndSet(false)) {
                awaitSent(f, A, before + 1); // pushed while stored
                // another process queues it first, due in a while
                f.deliveries.queue(List.of(new NewDelivery(s.id(), sequence, event.id())),
                        f.clock.instant().plusSeconds(60));
            }
        });

        f.publish();

        Delivery theirs = f.deliveriesOf(s).stream().filter(d -> d.eventSequence() == sequence).findFirst()
                .orElseThrow();
        assertThat(theirs.attempts()).as("this process records no outcome of it").isZero();
        assertThat(theirs.status()).isEqualTo(DeliveryStatus.PENDING);
        assertThat(theirs.nextAttemptAt()).isEqualTo(f.clock.instant().plusSeconds(60));
        assertThat(f.engine.held()).isZero();
    }

    @Test
    void aDeliveryPushedWhileItsStoringFailsIsLetGoAtOnceThoughItsAttemptIsUnderWay() {
        Subscription s = subscribedPushingWhileStoring();
        CompletableFuture<WebhookResponse> answer = new CompletableFuture<>();
        f.sender.answer(A, m -> answer);
        int before = f.sender.sentTo(A).size();
        f.engineDeliveries.beforeQueue(() -> {
            awaitSent(f, A, before + 1);
            throw new IllegalStateException("database gone");
        });
        f.events.append(List.of(anEvent().build()));

        org.assertj.core.api.Assertions.assertThatThrownBy(f.engine::dispatchOnce).hasMessage("database gone");

        assertThat(f.engine.held()).as("free for the next dispatch to hold").isZero();
        answer.complete(FakeWebhookSender.status(200));
        f.engineDeliveries.beforeQueue(() -> { });
        f.sender.answer(A, 200);
        f.publish(); // the event again: stored, and pushed
        assertThat(f.deliveriesOf(s)).hasSize(2).allSatisfy(d -> {
            assertThat(d.status()).isEqualTo(DeliveryStatus.DELIVERED);
            assertThat(d.attempts()).as("only the stored dispatch's attempt recorded").isEqualTo(1);
        });
        assertThat(f.engine.held()).isZero();
    }

    @Test
    void afterItsHeartbeatsLapsedAProcessStoresDeliveriesBeforePushingThemAgain() {
        subscribedPushingWhileStoring();
        f.publish(anEvent().build()); // pushed while stored
        int sent = f.sender.sentTo(A).size();
        // a pause (a stalled process, say) longer than a process stays alive without heartbeats
        f.clock.advance(NodeMembership.NODE_ALIVE.plusSeconds(1));
        List<Boolean> pushedBeforeStored = new ArrayList<>();
        f.engineDeliveries.beforeQueue(() -> pushedBeforeStored.add(sentMoreThanWithin(f, A, sent, 200)));

        f.publish(anEvent().build());

        assertThat(pushedBeforeStored).containsExactly(false);
        assertThat(f.sender.sentTo(A)).hasSize(sent + 1);
    }

    @Test
    void eventsStoredBeforeAProcessBeganDispatchingArePushedOnlyOnceStored() {
        Subscription s = f.subscribe(A);
        int before = f.sender.sentTo(A).size();
        List<CloudEvent> earlier = IntStream.range(0, Dispatcher.BATCH + 10).mapToObj(i -> anEvent().build()).toList();
        f.events.append(earlier);
        f.engine.dispatchOnce(); // the first round, and the first batch
        f.settle();
        int sent = f.sender.sentTo(A).size();
        assertThat(sent).as("some of the first batch pushed from memory").isGreaterThan(before);
        keepOwning(Dispatcher.STORE_FIRST);
        List<Boolean> pushedBeforeStored = new ArrayList<>();
        f.engineDeliveries.beforeQueue(() -> pushedBeforeStored.add(sentMoreThanWithin(f, A, sent, 200)));

        f.publish(); // the rest

        assertThat(pushedBeforeStored).containsExactly(false);
        assertThat(f.sender.sentTo(A)).as("pushed once stored").hasSizeGreaterThan(sent);
        f.runDue(); // those that found no room in memory
        assertThat(f.deliveriesOf(s)).hasSize(earlier.size())
                .allSatisfy(d -> assertThat(d.status()).isEqualTo(DeliveryStatus.DELIVERED));
    }

    @Test
    void untilAProcessHasDispatchedItsPartitionsForAWhileItPushesDeliveriesOnceStored() {
        Subscription s = f.subscribe(A);
        int validation = f.sender.sentTo(A).size();
        List<Integer> sentWhenDispatching = new ArrayList<>();
        f.engineDeliveries.beforeQueue(() -> sentWhenDispatching.add(f.sender.sentTo(A).size()));

        f.publish(anEvent().build(), anEvent().build());

        assertThat(sentWhenDispatching).containsExactly(validation);
        assertThat(f.deliveriesOf(s)).hasSize(2).allSatisfy(d -> {
            assertThat(d.status()).isEqualTo(DeliveryStatus.DELIVERED);
            assertThat(d.attempts()).isEqualTo(1);
        });
        assertThat(f.deliveries.attempts(s.id(), Long.MAX_VALUE, 10)).as("the validation and the two pushes")
                .hasSize(3);
    }

    @Test
    void aLargeFanOutIsStoredInPiecesThatDoubleAndTheCursorFollowsAtTheCheckpoint() {
        List<String> endpoints = IntStream.range(0, 200).mapToObj(i -> "http://127.0.0.1:9001/fan/" + i).toList();
        endpoints.forEach(f::subscribe);
        f.engineDeliveries.queueings.clear();
        f.engineDeliveries.cursorMoves.clear();

        long event = f.events.append(List.of(anEvent().build())).get(0).sequence();
        f.publish();

        assertThat(f.engineDeliveries.queueings).containsExactly(64, 128, 8);
        assertThat(endpoints).allSatisfy(e -> assertThat(f.sender.sentTo(e)).hasSize(2)); // validation, event
        f.clock.advance(Dispatcher.CHECKPOINT);
        f.engine.dispatchOnce();
        assertThat(f.engineDeliveries.cursorMoves).extracting(events.core.HookedDeliveryStore.CursorMove::cursor)
                .containsExactly(event);
    }

    @Test
    void aDispatchThatFailsAfterItsFirstPieceStoresAndPushesEveryDeliveryOnce() {
        List<String> endpoints = IntStream.range(0, 200).mapToObj(i -> "http://127.0.0.1:9001/fan/" + i).toList();
        List<Subscription> subscribed = endpoints.stream().map(f::subscribe).toList();
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        f.engineDeliveries.beforeQueue(() -> {
            if (calls.incrementAndGet() == 2) {
                throw new IllegalStateException("database gone");
            }
        });
        f.events.append(List.of(anEvent().build()));

        org.assertj.core.api.Assertions.assertThatThrownBy(f.engine::dispatchOnce).hasMessage("database gone");
        f.settle();
        assertThat(f.engine.held()).isZero();
        assertThat(endpoints.stream().filter(e -> f.sender.sentTo(e).size() == 2)).hasSize(64);
        f.publish(); // the batch again: only the other 136 are stored, and pushed

        assertThat(endpoints).allSatisfy(e -> assertThat(f.sender.sentTo(e)).hasSize(2));
        assertThat(subscribed).allSatisfy(s -> {
            Delivery d = f.onlyDeliveryOf(s);
            assertThat(d.status()).isEqualTo(DeliveryStatus.DELIVERED);
            assertThat(d.attempts()).isEqualTo(1);
        });
    }

    @Test
    void aFailedDispatchPushesNothingHoldsNothingAndTheNextRoundDeliversOnce() {
        Subscription s = f.subscribe(A);
        int validation = f.sender.sentTo(A).size();
        java.util.concurrent.atomic.AtomicBoolean failed = new java.util.concurrent.atomic.AtomicBoolean();
        f.engineDeliveries.beforeQueue(() -> {
            if (failed.compareAndSet(false, true)) {
                throw new IllegalStateException("database gone");
            }
        });
        CloudEvent event = anEvent().build();
        f.events.append(List.of(event));

        org.assertj.core.api.Assertions.assertThatThrownBy(f.engine::dispatchOnce).hasMessage("database gone");
        assertThat(f.deliveriesOf(s)).isEmpty();
        assertThat(f.engine.held()).isZero();
        assertThat(f.sender.sentTo(A)).hasSize(validation);
        f.publish();

        assertThat(f.sender.sentTo(A).subList(validation, f.sender.sentTo(A).size()))
                .singleElement().satisfies(m -> assertThat(m.event()).isEqualTo(event));
        Delivery d = f.onlyDeliveryOf(s);
        assertThat(d.status()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(d.attempts()).isEqualTo(1);
    }

    private static CloudEvent elsewhere() {
        return anEvent().resource("urn:altinn:resource:elsewhere").build();
    }

    @Test
    void deletedSubscriptionGetsNothingMore() {
        Subscription s = f.subscribe(A);
        f.sender.answer(A, 500);
        f.publish(anEvent().build());
        f.admin.delete(DIGDIR, s.id());
        f.clock.advance(Duration.ofMinutes(5));
        f.runDue();
        f.publish(anEvent().build());
        assertThat(f.sender.sentTo(A)).hasSize(2);
    }

    @Test
    void rotatedSecretSignsWithTheOldOneForADay() {
        Subscription s = f.subscribe(A);
        var rotated = f.admin.rotateSecret(DIGDIR, s.id());
        f.publish(anEvent().build());
        WebhookMessage m = f.sender.sentTo(A).get(1);
        assertThat(m.secrets()).hasSize(2).first().isEqualTo(rotated);
        String header = WebhookSignature.header(m.secrets(), m.messageId(), 1, new byte[] {1});
        assertThat(header.split(" ")).hasSize(2);

        f.clock.advance(Duration.ofHours(24));
        f.publish(anEvent().build());
        assertThat(f.sender.sentTo(A).get(2).secrets()).containsExactly(rotated);
    }
}
