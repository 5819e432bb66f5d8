package events.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import events.domain.Delivery;
import events.domain.DeliveryAttempt;
import events.domain.DeliveryStatus;
import events.domain.EndpointPartitions;
import events.ports.DeliveryQueue.NewDelivery;
import events.ports.DeliveryStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link events.ports.DeliveryLog} must have (see its javadoc): the delivery log, dead letters and retention. An adapter's test extends this class
 * (or nests a class that does) and implements {@link #newStorage()}.
 */
public abstract class DeliveryLogContract extends DeliveryStorageContract {
    @Test
    void attemptsAreListedNewestFirstInPages() {
        Storage storage = newStorage();
        DeliveryStore store = storage.deliveries();
        UUID a = subscription(storage, "a");
        UUID b = subscription(storage, "b");
        Delivery a1 = queue(store, a, 1, T0);
        Delivery a2 = queue(store, a, 2, T0);
        Delivery b1 = queue(store, b, 1, T0);
        List<DeliveryAttempt> recorded = new ArrayList<>();
        for (int n = 1; n <= 4; n++) {
            for (Delivery d : List.of(a1, b1, a2)) {
                DeliveryAttempt x = attempt(d, n, T0.plusSeconds(n), 500, "HTTP 500");
                store.recordAttempt(x, DeliveryStatus.PENDING, T0);
                if (d.subscriptionId().equals(a)) {
                    recorded.add(x);
                }
            }
        }
        Collections.reverse(recorded);

        List<DeliveryAttempt> paged = new ArrayList<>();
        long before = Long.MAX_VALUE;
        for (int page = 0; page < 10; page++) {
            List<DeliveryAttempt> got = store.attempts(a, before, 3);
            assertThat(got).hasSizeLessThanOrEqualTo(3);
            if (got.isEmpty()) {
                break;
            }
            paged.addAll(got);
            before = got.get(got.size() - 1).id();
        }

        assertThat(paged).extracting(DeliveryAttempt::id).isSortedAccordingTo(Collections.reverseOrder())
                .doesNotHaveDuplicates();
        assertThat(paged).extracting(x -> x.withId(0)).containsExactlyElementsOf(recorded);
        assertThat(store.attempts(b, Long.MAX_VALUE, 100)).hasSize(4)
                .allSatisfy(x -> assertThat(x.subscriptionId()).isEqualTo(b));
        assertThat(store.attempts(UUID.randomUUID(), Long.MAX_VALUE, 100)).isEmpty();
    }

    @Test
    void deadLettersListsOnlyTheDeadOldestFirstInPages() {
        Storage storage = newStorage();
        DeliveryStore store = storage.deliveries();
        UUID a = subscription(storage, "a");
        UUID b = subscription(storage, "b");
        List<Delivery> dead = new ArrayList<>();
        for (int seq = 1; seq <= 7; seq++) {
            Delivery d = queue(store, a, seq, T0);
            if (seq % 3 == 0) {
                store.recordAttempt(attempt(d, 1, T0, 200, null), DeliveryStatus.DELIVERED, null);
            } else {
                store.recordAttempt(attempt(d, 12, T0, 500, "HTTP 500"), DeliveryStatus.DEAD, null);
                dead.add(d.with(12, DeliveryStatus.DEAD, d.nextAttemptAt()));
            }
        }
        Delivery others = queue(store, b, 1, T0);
        store.recordAttempt(attempt(others, 12, T0, 500, null), DeliveryStatus.DEAD, null);

        List<Delivery> first = store.deadLetters(a, 0, 3);
        List<Delivery> second = store.deadLetters(a, first.get(2).id(), 3);
        List<Delivery> third = store.deadLetters(a, second.get(1).id(), 3);

        assertThat(first).containsExactlyElementsOf(dead.subList(0, 3));
        assertThat(second).containsExactlyElementsOf(dead.subList(3, 5));
        assertThat(third).isEmpty();
        assertThat(store.deadLetters(a, 0, 100)).containsExactlyElementsOf(dead);
        assertThat(store.deadLetters(b, 0, 10)).extracting(Delivery::id).containsExactly(others.id());
    }

    @Test
    void deleteRemovesDeliveriesAndAttempts() {
        Storage storage = newStorage();
        DeliveryStore store = storage.deliveries();
        UUID a = subscription(storage, "a");
        UUID b = subscription(storage, "b");
        Delivery pending = queue(store, a, 1, T0);
        Delivery dead = queue(store, a, 2, T0);
        store.recordAttempt(attempt(dead, 12, T0, 500, null), DeliveryStatus.DEAD, null);
        store.recordAttempt(attempt(pending, 1, T0, 500, null), DeliveryStatus.PENDING, T0);
        store.queueValidation(a, T0);
        Delivery others = queue(store, b, 1, T0);
        store.recordAttempt(attempt(others, 1, T0, 500, null), DeliveryStatus.PENDING, T0);

        assertThat(storage.subscriptions().delete(a)).isTrue();

        assertThat(store.attempts(a, Long.MAX_VALUE, 10)).isEmpty();
        assertThat(store.deadLetters(a, 0, 10)).isEmpty();
        assertThat(store.redrive(a, T0)).isZero();
        assertThat(store.cancelPending(a)).isZero();
        store.recordAttempt(attempt(pending, 2, T0, 500, null), DeliveryStatus.PENDING, T0);
        assertThat(store.attempts(a, Long.MAX_VALUE, 10)).isEmpty();
        assertThat(store.claimDue(T0, 10, LEASE, EndpointPartitions.ALL, Set.of())).extracting(Delivery::id).containsExactly(others.id());
        assertThat(store.attempts(b, Long.MAX_VALUE, 10)).hasSize(1);
    }

    @Test
    void retentionDeletesAttemptsAndDeliveriesQueuedBeforeTheCutoffButKeepsValidations() {
        Storage storage = newStorage();
        DeliveryStore store = storage.deliveries();
        UUID a = subscription(storage, "a");
        Delivery validation = store.queueValidation(a, T0).orElseThrow();
        Delivery delivered = queue(store, a, 1, T0);
        Delivery pending = queue(store, a, 2, T0.plusSeconds(1));
        store.recordAttempt(attempt(delivered, 1, T0, 200, null), DeliveryStatus.DELIVERED, null);
        store.recordAttempt(attempt(pending, 1, T0.plusSeconds(1), 500, null), DeliveryStatus.PENDING,
                T0.plusSeconds(60));
        Delivery young = queue(store, a, 3, T0.plusSeconds(7200));
        store.recordAttempt(attempt(young, 1, T0.plusSeconds(7200), 200, null), DeliveryStatus.DELIVERED, null);

        assertThat(store.deleteBefore(T0.plusSeconds(3600), 1000)).as("2 attempts and 2 deliveries").isEqualTo(4);
        assertThat(store.deleteBefore(T0.plusSeconds(3600), 1000)).isZero();

        assertThat(store.attempts(a, Long.MAX_VALUE, 10)).extracting(DeliveryAttempt::deliveryId)
                .containsExactly(young.id());
        assertThat(store.claimDue(T0.plusSeconds(86_400), 10, LEASE, EndpointPartitions.ALL, Set.of())).extracting(Delivery::id)
                .as("the old pending one is gone; the validation is kept").containsExactly(validation.id());
    }

    @Test
    void retentionDeletesInBatchesOfTheOldestRows() {
        Storage storage = newStorage();
        DeliveryStore store = storage.deliveries();
        UUID a = subscription(storage, "a");
        List<NewDelivery> old = new ArrayList<>();
        for (long seq = 1; seq <= 5; seq++) {
            old.add(new NewDelivery(a, seq, "e" + seq));
        }
        store.queue(old, T0);

        assertThat(store.deleteBefore(T0.plusSeconds(1), 2)).isEqualTo(2);
        assertThat(store.deleteBefore(T0.plusSeconds(1), 2)).isEqualTo(2);
        assertThat(store.deleteBefore(T0.plusSeconds(1), 2)).isEqualTo(1);
        assertThat(store.deleteBefore(T0.plusSeconds(1), 2)).isZero();
        assertThat(store.nextDue(EndpointPartitions.ALL, Set.of())).isEmpty();
    }

    @Test
    void retentionIsNotHeldUpByTheValidationDeliveriesItKeeps() {
        Storage storage = newStorage();
        DeliveryStore store = storage.deliveries();
        List<UUID> subscriptions = new ArrayList<>();
        for (String name : List.of("a", "b", "c")) {
            UUID s = subscription(storage, name);
            store.queueValidation(s, T0).orElseThrow();
            subscriptions.add(s);
        }
        queue(store, subscriptions.get(0), 1, T0);
        queue(store, subscriptions.get(0), 2, T0);

        assertThat(store.deleteBefore(T0.plusSeconds(1), 2)).as("the oldest rows are validations").isEqualTo(2);
        assertThat(store.deleteBefore(T0.plusSeconds(1), 2)).isZero();
        assertThat(store.claimDue(T0.plusSeconds(60), 10, LEASE, EndpointPartitions.ALL, Set.of())).hasSize(3).allMatch(Delivery::isValidation);
    }
}
