package events.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import events.domain.Delivery;
import events.domain.DeliveryAttempt;
import events.domain.DeliveryStatus;
import events.domain.EndpointPartitions;
import events.ports.DeliveryQueue.NewDelivery;
import events.ports.DeliveryQueue;
import events.ports.DeliveryStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link events.ports.DeliveryQueue} must have (see its javadoc): queueing, claiming, and recording outcomes. An adapter's test extends this class
 * (or nests a class that does) and implements {@link #newStorage()}.
 */
public abstract class DeliveryQueueContract extends DeliveryStorageContract {
    @Test
    void claimsAndNextDueOnlyTakeDeliveriesToEndpointsOfTheGivenPartitions() {
        Storage storage = newStorage();
        DeliveryStore store = storage.deliveries();
        String[] endpoints = endpointsInTwoPartitions();
        int p = EndpointPartitions.partitionOf(endpoints[0]);
        int q = EndpointPartitions.partitionOf(endpoints[1]);
        UUID inP = SubscriptionStoreContract.created(storage.subscriptions(), endpoints[0], T0).id();
        UUID inQ = SubscriptionStoreContract.created(storage.subscriptions(), endpoints[1], T0).id();
        Delivery toP = queue(store, inP, 1, T0);
        Delivery toQ = queue(store, inQ, 2, T0.plusSeconds(1));

        assertThat(store.nextDue(EndpointPartitions.of(q), Set.of())).contains(T0.plusSeconds(1));
        assertThat(store.nextDue(EndpointPartitions.NONE, Set.of())).isEmpty();
        assertThat(store.claimDue(T0.plusSeconds(5), 10, LEASE, EndpointPartitions.NONE, Set.of())).isEmpty();
        assertThat(store.claimDue(T0.plusSeconds(5), 10, LEASE, EndpointPartitions.of(q), Set.of()))
                .extracting(Delivery::id).containsExactly(toQ.id());
        assertThat(store.claimDue(T0.plusSeconds(5), 10, LEASE, EndpointPartitions.of(q), Set.of())).isEmpty();
        assertThat(store.nextDue(EndpointPartitions.of(p), Set.of())).contains(T0);
        assertThat(store.claimDue(T0.plusSeconds(5), 10, LEASE, EndpointPartitions.of(p, q), Set.of()))
                .extracting(Delivery::id).containsExactly(toP.id());
        assertThat(store.claimDue(T0.plusSeconds(5), 10, LEASE, EndpointPartitions.ALL, Set.of())).isEmpty();
    }

    /** Two endpoint URLs whose partitions differ. */
    private static String[] endpointsInTwoPartitions() {
        String first = "https://hooks.example.com/p";
        for (int i = 0; ; i++) {
            String other = "https://hooks.example.com/p" + i;
            if (EndpointPartitions.partitionOf(other) != EndpointPartitions.partitionOf(first)) {
                return new String[] {first, other};
            }
        }
    }

    @Test
    void freshStoreHasCursorZeroAndNothingDue() {
        DeliveryStore store = newStorage().deliveries();

        assertThat(store.dispatchCursor()).isZero();
        assertThat(store.nextDue(EndpointPartitions.ALL, Set.of())).isEmpty();
        assertThat(store.claimDue(T0.plus(Duration.ofDays(365)), 10, LEASE, EndpointPartitions.ALL, Set.of())).isEmpty();
    }

    @Test
    void aNewDeliveryWithItsOwnDueTimeIsDueThenAndTheOthersWhenTheDispatchSays() {
        Storage storage = newStorage();
        DeliveryStore store = storage.deliveries();
        UUID a = subscription(storage, "a");
        UUID b = subscription(storage, "b");
        Instant later = T0.plusSeconds(30);

        List<Delivery> queued = store.queue(List.of(new NewDelivery(a, 1, "e1", later),
                new NewDelivery(b, 1, "e1"), new NewDelivery(a, 2, "e2", T0.minusSeconds(5))), T0);

        assertThat(queued).extracting(d -> d.subscriptionId() + "/" + d.eventSequence() + "@" + d.nextAttemptAt())
                .containsExactlyInAnyOrder(a + "/1@" + later, b + "/1@" + T0, a + "/2@" + T0.minusSeconds(5));
        assertThat(store.claimDue(T0, 10, LEASE, EndpointPartitions.ALL, Set.of())).extracting(Delivery::eventId)
                .containsExactly("e2", "e1");
        assertThat(store.nextDue(EndpointPartitions.ALL, Set.of())).contains(later);
    }

    @Test
    void queueingMakesPendingDeliveriesDueAtTheGivenTimeAndLeavesTheCursorAlone() {
        Storage storage = newStorage();
        DeliveryStore store = storage.deliveries();
        UUID a = subscription(storage, "a");
        UUID b = subscription(storage, "b");

        List<Delivery> queued = store.queue(List.of(new NewDelivery(a, 1, "e1"), new NewDelivery(b, 1, "e1"),
                new NewDelivery(a, 3, "e3")), T0);

        assertThat(queued).satisfies(list -> {
            assertThat(list).extracting(d -> d.subscriptionId() + "/" + d.eventSequence() + "/" + d.eventId())
                    .containsExactlyInAnyOrder(a + "/1/e1", b + "/1/e1", a + "/3/e3");
            assertThat(list).allSatisfy(d -> {
                assertThat(d.status()).isEqualTo(DeliveryStatus.PENDING);
                assertThat(d.attempts()).isZero();
                assertThat(d.nextAttemptAt()).isEqualTo(T0);
                assertThat(d.isValidation()).isFalse();
            });
            assertThat(list).extracting(Delivery::id).doesNotHaveDuplicates();
        });
        assertThat(store.dispatchCursor()).isZero();
        assertThat(store.nextDue(EndpointPartitions.ALL, Set.of())).contains(T0);
        assertThat(ids(store.claimDue(T0, 10, LEASE, EndpointPartitions.ALL, Set.of())))
                .containsExactlyInAnyOrderElementsOf(ids(queued));
    }

    @Test
    void queuesNothingForASubscriptionThatDoesNotExist() {
        Storage storage = newStorage();
        DeliveryStore store = storage.deliveries();
        UUID a = subscription(storage, "a");
        UUID unknown = UUID.randomUUID();

        List<Delivery> queued = store.queue(List.of(new NewDelivery(unknown, 1, "e1"),
                new NewDelivery(a, 1, "e1"), new NewDelivery(unknown, 2, "e2")), T0);

        assertThat(queued).singleElement().satisfies(d -> assertThat(d.subscriptionId()).isEqualTo(a));
        assertThat(store.queueValidation(unknown, T0)).isEmpty();
    }

    @Test
    void aCursorMoveFromAStalePlaceMovesNothing() {
        DeliveryStore store = newStorage().deliveries();
        assertThat(store.moveDispatchCursor(EndpointPartitions.ALL, 0, 5)).isTrue();

        assertThat(store.moveDispatchCursor(EndpointPartitions.ALL, 0, 7)).isFalse();
        assertThat(store.dispatchCursor()).isEqualTo(5);
    }

    @Test
    void movingTheCursorWhereItIsSucceeds() {
        DeliveryStore store = newStorage().deliveries();

        assertThat(store.moveDispatchCursor(EndpointPartitions.ALL, 0, 10)).isTrue();
        assertThat(store.moveDispatchCursor(EndpointPartitions.ALL, 10, 10)).isTrue();
        assertThat(store.dispatchCursor()).isEqualTo(10);
    }

    @Test
    void eachPartitionHasACursorOfItsOwn() {
        DeliveryStore store = newStorage().deliveries();
        EndpointPartitions some = EndpointPartitions.of(3, 7);

        assertThat(store.moveDispatchCursor(some, 0, 10)).isTrue();
        assertThat(store.moveDispatchCursor(EndpointPartitions.of(7), 10, 12)).isTrue();

        long[] cursors = store.dispatchCursors();
        assertThat(cursors).hasSize(EndpointPartitions.COUNT);
        assertThat(cursors[3]).isEqualTo(10);
        assertThat(cursors[7]).isEqualTo(12);
        assertThat(cursors[0]).isZero();
        assertThat(store.dispatchCursor()).as("the lowest").isZero();
        assertThat(store.moveDispatchCursor(EndpointPartitions.ALL, 0, 12)).as("3 and 7 are not at 0").isFalse();
        assertThat(store.dispatchCursors()[0]).as("moved all or none").isZero();
    }

    @Test
    void aMoveOfSeveralPartitionsMovesNoneWhenOneOfThemMovedMeanwhile() {
        DeliveryStore store = newStorage().deliveries();
        store.moveDispatchCursor(EndpointPartitions.of(5), 0, 4);

        assertThat(store.moveDispatchCursor(EndpointPartitions.of(4, 5, 6), 0, 8)).isFalse();

        long[] cursors = store.dispatchCursors();
        assertThat(new long[] {cursors[4], cursors[5], cursors[6]}).containsExactly(0, 4, 0);
    }

    @Test
    void theCursorNeverMovesBack() {
        DeliveryStore store = newStorage().deliveries();
        store.moveDispatchCursor(EndpointPartitions.ALL, 0, 10);

        assertThatThrownBy(() -> store.moveDispatchCursor(EndpointPartitions.ALL, 10, 9)).isInstanceOf(IllegalArgumentException.class);
        assertThat(store.dispatchCursor()).isEqualTo(10);
    }

    @Test
    void queueingLeavesADeliveryAlreadyQueuedAsItIs() {
        Storage storage = newStorage();
        DeliveryStore store = storage.deliveries();
        UUID a = subscription(storage, "a");
        Delivery first = store.queue(List.of(new NewDelivery(a, 1, "e1")), T0).get(0);
        store.claimDue(T0, 10, LEASE, EndpointPartitions.ALL, Set.of());
        store.recordAttempt(attempt(first, 1, T0, 503, null), DeliveryStatus.PENDING, T0.plusSeconds(10));

        List<Delivery> again = store.queue(List.of(new NewDelivery(a, 1, "e1"), new NewDelivery(a, 2, "e2"),
                new NewDelivery(a, 2, "e2")), T0.plusSeconds(5));

        assertThat(again).singleElement().satisfies(d -> assertThat(d.eventSequence()).isEqualTo(2));
        List<Delivery> due = store.claimDue(T0.plusSeconds(10), 10, LEASE, EndpointPartitions.ALL, Set.of());
        assertThat(due).extracting(Delivery::id).containsExactly(again.get(0).id(), first.id());
        assertThat(due.get(1).attempts()).isEqualTo(1);
    }

    /**
     * Three processes, through the stores of {@link #storagesSharingOneDatabase()}, queue the same deliveries at once
     * (as two may while a partition changes hands): each delivery is queued once, and given to one of them.
     */
    @Test
    @Timeout(60)
    void theSameDeliveriesQueuedByRacingProcessesAreQueuedOnceEach() throws Exception {
        List<Storage> storages = storagesSharingOneDatabase();
        UUID a = subscription(storages.get(0), "a");
        List<NewDelivery> same = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            same.add(new NewDelivery(a, i, "e" + i));
        }
        List<List<Delivery>> results = race(storages, 3, (store, t) -> store.queue(same, T0));

        List<Long> given = results.stream().flatMap(List::stream).map(Delivery::id).toList();
        assertThat(given).hasSize(50).doesNotHaveDuplicates();
        List<Delivery> queued = storages.get(0).deliveries().claimDue(T0, 1000, LEASE, EndpointPartitions.ALL,
                Set.of());
        assertThat(ids(queued)).containsExactlyInAnyOrderElementsOf(given);
    }

    /**
     * Two processes move the cursors of overlapping partitions ({4, 5} and {5, 6}) from one place at once: one moves
     * its partitions, the other none.
     */
    @Test
    @Timeout(60)
    void cursorMovesOfOverlappingPartitionsRacingFromOnePlaceLeaveOneWinner() throws Exception {
        List<Storage> storages = storagesSharingOneDatabase();
        List<EndpointPartitions> sets = List.of(EndpointPartitions.of(4, 5), EndpointPartitions.of(5, 6));

        List<Boolean> moved = race(storages, 2, (store, t) -> store.moveDispatchCursor(sets.get(t), 0, 100 + t));

        assertThat(moved).containsOnlyOnce(true);
        int winner = moved.indexOf(true);
        long[] cursors = storages.get(storages.size() - 1).deliveries().dispatchCursors();
        long[] expected = winner == 0 ? new long[] {100, 100, 0} : new long[] {0, 101, 101};
        assertThat(new long[] {cursors[4], cursors[5], cursors[6]}).containsExactly(expected);
    }

    /** Runs {@code work} on {@code threads} threads at once, thread t on store t modulo the stores; returns by t. */
    private static <T> List<T> race(List<Storage> storages, int threads,
            java.util.function.BiFunction<DeliveryStore, Integer, T> work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> running = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                DeliveryStore store = storages.get(t % storages.size()).deliveries();
                running.add(pool.submit(() -> {
                    start.await();
                    return work.apply(store, thread);
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : running) {
                results.add(f.get(50, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @Timeout(60)
    void queuesAThousandDeliveriesInOneCallQuickly() {
        Storage storage = newStorage();
        DeliveryStore store = storage.deliveries();
        List<UUID> subscriptions = new ArrayList<>();
        for (int s = 0; s < 100; s++) {
            subscriptions.add(subscription(storage, "s" + s));
        }
        List<NewDelivery> fanOut = new ArrayList<>();
        for (long seq = 1; seq <= 10; seq++) {
            for (UUID s : subscriptions) {
                fanOut.add(new NewDelivery(s, seq, "event-" + seq));
            }
        }

        long started = System.nanoTime();
        List<Delivery> queued = store.queue(fanOut, T0);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        List<Delivery> again = store.queue(fanOut, T0);

        assertThat(queued).hasSize(1000);
        assertThat(ids(queued)).doesNotHaveDuplicates();
        assertThat(again).isEmpty();
        assertThat(took).as("dispatching 1000 deliveries took %s", took).isLessThan(Duration.ofSeconds(5));
        assertThat(store.claimDue(T0, 2000, LEASE, EndpointPartitions.ALL, Set.of())).hasSize(1000);
    }

    @Test
    void queuesTheValidationDeliveryOnce() {
        Storage storage = newStorage();
        DeliveryStore store = storage.deliveries();
        UUID a = subscription(storage, "a");

        Optional<Delivery> first = store.queueValidation(a, T0);
        Optional<Delivery> second = store.queueValidation(a, T0.plusSeconds(1));

        assertThat(first).hasValueSatisfying(d -> {
            assertThat(d.isValidation()).isTrue();
            assertThat(d.eventSequence()).isEqualTo(Delivery.VALIDATION);
            assertThat(d.eventId()).isEqualTo(Delivery.validationEventId(a));
            assertThat(d.subscriptionId()).isEqualTo(a);
            assertThat(d.status()).isEqualTo(DeliveryStatus.PENDING);
            assertThat(d.attempts()).isZero();
            assertThat(d.nextAttemptAt()).isEqualTo(T0);
        });
        assertThat(second).isEmpty();
        assertThat(store.dispatchCursor()).isZero();
        assertThat(store.claimDue(T0, 10, LEASE, EndpointPartitions.ALL, Set.of())).singleElement()
                .satisfies(d -> assertThat(d.id()).isEqualTo(first.get().id()));
    }

    @Test
    void claimDueTakesTheEarliestDueFirstAndLeasesThem() {
        Storage storage = newStorage();
        DeliveryStore store = storage.deliveries();
        UUID a = subscription(storage, "a");
        Delivery third = queue(store, a, 1, T0.plusSeconds(3));
        Delivery first = queue(store, a, 2, T0.plusSeconds(1));
        Delivery second = queue(store, a, 3, T0.plusSeconds(2));
        Delivery notYet = queue(store, a, 4, T0.plusSeconds(100));
        Instant now = T0.plusSeconds(10);

        List<Delivery> claimed = store.claimDue(now, 2, LEASE, EndpointPartitions.ALL, Set.of());

        assertThat(claimed).extracting(Delivery::id).containsExactly(first.id(), second.id());
        assertThat(claimed).allSatisfy(d -> {
            assertThat(d.nextAttemptAt()).isEqualTo(LEASE);
            assertThat(d.status()).isEqualTo(DeliveryStatus.PENDING);
        });
        assertThat(claimed.get(0)).isEqualTo(first.with(0, DeliveryStatus.PENDING, LEASE));
        assertThat(store.claimDue(now, 10, LEASE, EndpointPartitions.ALL, Set.of())).extracting(Delivery::id).containsExactly(third.id());
        assertThat(store.claimDue(now, 10, LEASE, EndpointPartitions.ALL, Set.of())).isEmpty();
        assertThat(store.nextDue(EndpointPartitions.ALL, Set.of())).contains(LEASE);
        // a lease that ran out (its claimer died) makes the deliveries due again
        assertThat(store.claimDue(LEASE, 10, LEASE.plusSeconds(60), EndpointPartitions.ALL, Set.of())).extracting(Delivery::id)
                .containsExactly(third.id(), first.id(), second.id());
        assertThat(store.nextDue(EndpointPartitions.ALL, Set.of())).contains(notYet.nextAttemptAt());
    }

    @Test
    void claimDueTakesDeliveriesDueExactlyNow() {
        Storage storage = newStorage();
        DeliveryStore store = storage.deliveries();
        Delivery d = queue(store, subscription(storage, "a"), 1, T0);

        assertThat(store.claimDue(T0.minusMillis(1), 10, LEASE, EndpointPartitions.ALL, Set.of())).isEmpty();
        assertThat(store.claimDue(T0, 10, LEASE, EndpointPartitions.ALL, Set.of())).extracting(Delivery::id).containsExactly(d.id());
    }

    /**
     * Six claimers, through the stores of {@link #storagesSharingOneDatabase()}, claim small batches of 300
     * due deliveries until none is left: together they get every delivery, and no delivery twice.
     */

    @Test
    @Timeout(120)
    void claimDueNeverHandsOutTheSameDeliveryTwiceConcurrently() throws Exception {
        List<Storage> storages = storagesSharingOneDatabase();
        List<UUID> subscriptions = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            subscriptions.add(subscription(storages.get(0), "s" + s));
        }
        List<NewDelivery> deliveries = new ArrayList<>();
        for (long seq = 1; seq <= 100; seq++) {
            for (UUID s : subscriptions) {
                deliveries.add(new NewDelivery(s, seq, "e" + seq));
            }
        }
        storages.get(0).deliveries().queue(deliveries, T0);
        int claimers = 6;
        ExecutorService pool = Executors.newFixedThreadPool(claimers);
        List<Long> claimed = Collections.synchronizedList(new ArrayList<>());
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < claimers; t++) {
                DeliveryStore store = storages.get(t % storages.size()).deliveries();
                running.add(pool.submit(() -> {
                    start.await();
                    while (true) {
                        List<Delivery> batch = store.claimDue(T0.plusSeconds(1), 7, LEASE, EndpointPartitions.ALL, Set.of());
                        if (batch.isEmpty()) {
                            return null;
                        }
                        batch.forEach(d -> claimed.add(d.id()));
                    }
                }));
            }
            start.countDown();
            for (Future<?> f : running) {
                f.get(100, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(claimed).hasSize(300).doesNotHaveDuplicates();
        assertThat(storages.get(storages.size() - 1).deliveries().claimDue(T0.plusSeconds(1), 10, LEASE, EndpointPartitions.ALL, Set.of()))
                .isEmpty();
    }

    @Test
    void nextDueIsTheEarliestDueTimeOfAPendingDelivery() {
        Storage storage = newStorage();
        DeliveryStore store = storage.deliveries();
        UUID a = subscription(storage, "a");
        Delivery early = queue(store, a, 1, T0.plusSeconds(1));
        Delivery late = queue(store, a, 2, T0.plusSeconds(2));

        assertThat(store.nextDue(EndpointPartitions.ALL, Set.of())).contains(early.nextAttemptAt());
        store.finish(early.id(), DeliveryStatus.DENIED);
        assertThat(store.nextDue(EndpointPartitions.ALL, Set.of())).contains(late.nextAttemptAt());
        store.finish(late.id(), DeliveryStatus.CANCELLED);
        assertThat(store.nextDue(EndpointPartitions.ALL, Set.of())).isEmpty();
    }

    @Test
    void anUnclaimedDeliveryIsDueAgainAtOnceButAFinishedOneStaysFinished() {
        Storage storage = newStorage();
        DeliveryStore store = storage.deliveries();
        UUID s = subscription(storage, "s");
        queue(store, s, 1, T0);
        queue(store, s, 2, T0);
        List<Delivery> claimed = store.claimDue(T0, 10, T0.plusSeconds(60), EndpointPartitions.ALL, Set.of());
        assertThat(claimed).hasSize(2);
        store.finish(claimed.get(1).id(), DeliveryStatus.DENIED);

        store.unclaim(claimed.stream().map(Delivery::id).toList(), T0.plusSeconds(1));
        store.unclaim(List.of(), T0);

        assertThat(store.claimDue(T0.plusSeconds(1), 10, T0.plusSeconds(60), EndpointPartitions.ALL, Set.of()))
                .extracting(Delivery::id).containsExactly(claimed.get(0).id());
    }

    @Test
    void claimsAndNextDueSkipTheSubscriptionsAskedToSkip() {
        Storage storage = newStorage();
        DeliveryStore store = storage.deliveries();
        UUID full = subscription(storage, "full");
        UUID other = subscription(storage, "other");
        queue(store, full, 1, T0);
        queue(store, full, 2, T0.plusSeconds(1));
        Delivery later = queue(store, other, 1, T0.plusSeconds(2));

        assertThat(store.nextDue(EndpointPartitions.ALL, Set.of(full))).contains(later.nextAttemptAt());
        List<Delivery> claimed = store.claimDue(T0.plusSeconds(5), 1, T0.plusSeconds(60), EndpointPartitions.ALL,
                Set.of(full));

        assertThat(claimed).extracting(Delivery::id).containsExactly(later.id());
        assertThat(store.claimDue(T0.plusSeconds(5), 10, T0.plusSeconds(60), EndpointPartitions.ALL,
                Set.of(full, other))).isEmpty();
        assertThat(store.claimDue(T0.plusSeconds(5), 10, T0.plusSeconds(60), EndpointPartitions.ALL, Set.of()))
                .extracting(Delivery::subscriptionId).containsOnly(full).hasSize(2);
    }

    @Test
    void skippingTensOfThousandsOfSubscriptionsWorks() {
        Storage storage = newStorage();
        DeliveryStore store = storage.deliveries();
        UUID s = subscription(storage, "s");
        Delivery d = queue(store, s, 1, T0);
        Set<UUID> many = java.util.stream.Stream.generate(UUID::randomUUID).limit(60_000)
                .collect(Collectors.toSet());

        assertThat(store.nextDue(EndpointPartitions.ALL, many)).contains(d.nextAttemptAt());
        assertThat(store.claimDue(T0, 10, LEASE, EndpointPartitions.ALL, many)).extracting(Delivery::id)
                .containsExactly(d.id());
    }

    @Test
    void recordAttemptStoresTheAttemptAndTheDeliverysNewState() {
        Storage storage = newStorage();
        DeliveryStore store = storage.deliveries();
        UUID a = subscription(storage, "a");
        Delivery d = queue(store, a, 1, T0);
        store.claimDue(T0, 10, LEASE, EndpointPartitions.ALL, Set.of());
        Instant retryAt = T0.plusSeconds(10);

        store.recordAttempt(attempt(d, 1, T0, 503, "HTTP 503"), DeliveryStatus.PENDING, retryAt);

        assertThat(store.nextDue(EndpointPartitions.ALL, Set.of())).contains(retryAt);
        assertThat(store.claimDue(retryAt.minusMillis(1), 10, LEASE, EndpointPartitions.ALL, Set.of())).isEmpty();
        Delivery retried = store.claimDue(retryAt, 10, LEASE, EndpointPartitions.ALL, Set.of()).get(0);
        assertThat(retried).isEqualTo(d.with(1, DeliveryStatus.PENDING, LEASE));

        store.recordAttempt(attempt(d, 2, retryAt, 200, null), DeliveryStatus.DELIVERED, null);

        assertThat(store.nextDue(EndpointPartitions.ALL, Set.of())).isEmpty();
        assertThat(store.claimDue(LEASE.plusSeconds(3600), 10, LEASE, EndpointPartitions.ALL, Set.of())).isEmpty();
        List<DeliveryAttempt> attempts = store.attempts(a, Long.MAX_VALUE, 10);
        assertThat(attempts).hasSize(2);
        assertThat(attempts.get(0).id()).isGreaterThan(attempts.get(1).id()).isPositive();
        assertThat(attempts.get(0)).isEqualTo(attempt(d, 2, retryAt, 200, null).withId(attempts.get(0).id()));
        assertThat(attempts.get(1)).isEqualTo(attempt(d, 1, T0, 503, "HTTP 503").withId(attempts.get(1).id()));
    }

    @Test
    void recordAttemptKeepsAMissingStatusCodeAndTheError() {
        Storage storage = newStorage();
        DeliveryStore store = storage.deliveries();
        UUID a = subscription(storage, "a");
        Delivery d = queue(store, a, 1, T0);
        DeliveryAttempt timeout = new DeliveryAttempt(0, a, d.id(), d.eventId(), 1, T0, null,
                "timeout after 30 s: \"æøå\" 😀", 30_000);

        store.recordAttempt(timeout, DeliveryStatus.PENDING, T0.plusSeconds(10));

        assertThat(store.attempts(a, Long.MAX_VALUE, 10)).singleElement().satisfies(x -> {
            assertThat(x.statusCode()).isNull();
            assertThat(x).isEqualTo(timeout.withId(x.id()));
        });
    }

    @Test
    void recordAttemptOnCancelledDeliveryIsDropped() {
        Storage storage = newStorage();
        DeliveryStore store = storage.deliveries();
        UUID a = subscription(storage, "a");
        Delivery cancelled = queue(store, a, 1, T0);
        Delivery denied = queue(store, a, 2, T0);
        Delivery delivered = queue(store, a, 3, T0);
        store.claimDue(T0, 10, LEASE, EndpointPartitions.ALL, Set.of());
        store.recordAttempt(attempt(delivered, 1, T0, 204, null), DeliveryStatus.DELIVERED, null);
        store.finish(denied.id(), DeliveryStatus.DENIED);
        assertThat(store.cancelPending(a)).isEqualTo(1);

        store.recordAttempt(attempt(cancelled, 1, T0, 200, null), DeliveryStatus.DEAD, null);
        store.recordAttempt(attempt(denied, 1, T0, 200, null), DeliveryStatus.DEAD, null);
        store.recordAttempt(attempt(delivered, 2, T0, 500, null), DeliveryStatus.DEAD, null);
        store.recordAttempt(attempt(cancelled, 1, T0, 500, null), DeliveryStatus.PENDING, T0);

        assertThat(store.attempts(a, Long.MAX_VALUE, 10)).singleElement()
                .satisfies(x -> assertThat(x.deliveryId()).isEqualTo(delivered.id()));
        assertThat(store.deadLetters(a, 0, 10)).isEmpty();
        assertThat(store.nextDue(EndpointPartitions.ALL, Set.of())).isEmpty();
    }

    @Test
    void recordAttemptsRecordsABatchAndDropsOnlyTheAttemptsOnDeliveriesNoLongerPending() {
        Storage storage = newStorage();
        DeliveryStore store = storage.deliveries();
        UUID a = subscription(storage, "a");
        Delivery retried = queue(store, a, 1, T0);
        Delivery delivered = queue(store, a, 2, T0);
        Delivery dead = queue(store, a, 3, T0);
        Delivery denied = queue(store, a, 4, T0);
        store.claimDue(T0, 10, LEASE, EndpointPartitions.ALL, Set.of());
        store.finish(denied.id(), DeliveryStatus.DENIED);

        store.recordAttempts(List.of(
                new DeliveryQueue.AttemptRecord(attempt(retried, 1, T0, 503, "HTTP 503"), DeliveryStatus.PENDING,
                        T0.plusSeconds(10)),
                new DeliveryQueue.AttemptRecord(attempt(denied, 1, T0, 200, null), DeliveryStatus.DELIVERED, null),
                new DeliveryQueue.AttemptRecord(attempt(delivered, 1, T0, 200, null), DeliveryStatus.DELIVERED, null),
                new DeliveryQueue.AttemptRecord(attempt(dead, 12, T0, 500, null), DeliveryStatus.DEAD, null)));

        assertThat(store.attempts(a, Long.MAX_VALUE, 10)).extracting(DeliveryAttempt::deliveryId)
                .containsExactlyInAnyOrder(retried.id(), delivered.id(), dead.id());
        assertThat(store.deadLetters(a, 0, 10)).extracting(Delivery::id).containsExactly(dead.id());
        assertThat(store.nextDue(EndpointPartitions.ALL, Set.of())).contains(T0.plusSeconds(10));
        assertThat(store.claimDue(T0.plusSeconds(10), 10, LEASE, EndpointPartitions.ALL, Set.of())).singleElement()
                .satisfies(d -> assertThat(d.attempts()).isEqualTo(1));
    }

    @Test
    void finishEndsOnlyAPendingDelivery() {
        Storage storage = newStorage();
        DeliveryStore store = storage.deliveries();
        UUID a = subscription(storage, "a");
        Delivery denied = queue(store, a, 1, T0);
        Delivery delivered = queue(store, a, 2, T0);
        store.recordAttempt(attempt(delivered, 1, T0, 200, null), DeliveryStatus.DELIVERED, null);

        store.finish(denied.id(), DeliveryStatus.DENIED);
        store.finish(delivered.id(), DeliveryStatus.DEAD);
        store.finish(denied.id(), DeliveryStatus.DEAD);
        store.finish(999_999L, DeliveryStatus.DEAD);

        assertThat(store.claimDue(T0, 10, LEASE, EndpointPartitions.ALL, Set.of())).isEmpty();
        assertThat(store.deadLetters(a, 0, 10)).isEmpty();
        assertThat(store.redrive(a, T0)).isZero();
    }

    @Test
    void cancelPendingCancelsOnlyThatSubscriptionsPendingDeliveries() {
        Storage storage = newStorage();
        DeliveryStore store = storage.deliveries();
        UUID a = subscription(storage, "a");
        UUID b = subscription(storage, "b");
        queue(store, a, 1, T0);
        queue(store, a, 2, T0.plusSeconds(100));
        Delivery done = queue(store, a, 3, T0);
        store.recordAttempt(attempt(done, 1, T0, 200, null), DeliveryStatus.DELIVERED, null);
        Delivery other = queue(store, b, 1, T0);

        assertThat(store.cancelPending(a)).isEqualTo(2);
        assertThat(store.cancelPending(a)).isZero();

        assertThat(store.claimDue(T0.plusSeconds(100), 10, LEASE, EndpointPartitions.ALL, Set.of())).extracting(Delivery::id)
                .containsExactly(other.id());
    }

    @Test
    void redriveRequeuesOnlyDeadLetters() {
        Storage storage = newStorage();
        DeliveryStore store = storage.deliveries();
        UUID a = subscription(storage, "a");
        UUID b = subscription(storage, "b");
        Delivery dead1 = queue(store, a, 1, T0);
        Delivery dead2 = queue(store, a, 2, T0);
        Delivery delivered = queue(store, a, 3, T0);
        Delivery cancelled = queue(store, a, 4, T0);
        Delivery pending = queue(store, a, 5, T0.plusSeconds(3600));
        Delivery othersDead = queue(store, b, 1, T0);
        for (Delivery d : List.of(dead1, dead2, othersDead)) {
            store.recordAttempt(attempt(d, 12, T0, 500, null), DeliveryStatus.DEAD, null);
        }
        store.recordAttempt(attempt(delivered, 1, T0, 200, null), DeliveryStatus.DELIVERED, null);
        store.finish(cancelled.id(), DeliveryStatus.CANCELLED);
        Instant redriveAt = T0.plusSeconds(30);

        assertThat(store.redrive(a, redriveAt)).isEqualTo(2);

        assertThat(store.deadLetters(a, 0, 10)).isEmpty();
        assertThat(store.deadLetters(b, 0, 10)).extracting(Delivery::id).containsExactly(othersDead.id());
        assertThat(store.nextDue(EndpointPartitions.ALL, Set.of())).contains(redriveAt);
        Instant longLease = T0.plusSeconds(7200);
        List<Delivery> due = store.claimDue(redriveAt, 10, longLease, EndpointPartitions.ALL, Set.of());
        assertThat(due).containsExactly(dead1.with(0, DeliveryStatus.PENDING, longLease),
                dead2.with(0, DeliveryStatus.PENDING, longLease));
        assertThat(store.claimDue(pending.nextAttemptAt(), 10, LEASE.plusSeconds(7200), EndpointPartitions.ALL, Set.of()))
                .extracting(Delivery::id).containsExactly(pending.id());
        assertThat(store.redrive(a, redriveAt)).isZero();
    }

    @Test
    void deliveriesQueuedThroughOneStoreAreClaimedThroughAnother() {
        List<Storage> storages = storagesSharingOneDatabase();
        DeliveryStore first = storages.get(0).deliveries();
        DeliveryStore last = storages.get(storages.size() - 1).deliveries();
        UUID a = subscription(storages.get(0), "a");

        List<Delivery> queued = first.queue(List.of(new NewDelivery(a, 1, "e1"), new NewDelivery(a, 2, "e2")), T0);
        assertThat(first.moveDispatchCursor(EndpointPartitions.ALL, 0, 2)).isTrue();

        assertThat(last.dispatchCursor()).isEqualTo(2);
        assertThat(last.queue(List.of(new NewDelivery(a, 2, "e2")), T0)).as("queued already").isEmpty();
        assertThat(last.nextDue(EndpointPartitions.ALL, Set.of())).contains(T0);
        List<Delivery> claimed = last.claimDue(T0, 10, LEASE, EndpointPartitions.ALL, Set.of());
        assertThat(ids(claimed)).containsExactlyInAnyOrderElementsOf(ids(queued));
        assertThat(first.claimDue(T0, 10, LEASE, EndpointPartitions.ALL, Set.of())).isEmpty();
        last.recordAttempt(attempt(claimed.get(0), 1, T0, 200, null), DeliveryStatus.DELIVERED, null);
        assertThat(first.attempts(a, Long.MAX_VALUE, 10)).hasSize(1);
    }
}
