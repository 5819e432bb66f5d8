package events.core;

import static org.assertj.core.api.Assertions.assertThat;

import events.domain.CloudEvent;
import events.domain.Delivery;
import events.domain.DeliveryAttempt;
import events.domain.DeliveryStatus;
import events.domain.EndpointPartitions;
import events.domain.StoredEvent;
import events.ports.DeliveryQueue.AttemptRecord;
import events.ports.DeliveryQueue.NewDelivery;
import events.testkit.InMemoryDeliveryStore;
import events.testkit.InMemoryEventStore;
import events.testkit.MutableClock;
import events.testkit.TestEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RetentionTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final MutableClock clock = new MutableClock(T0);
    private final InMemoryEventStore events = new InMemoryEventStore(clock);
    private final InMemoryDeliveryStore deliveries = new InMemoryDeliveryStore();
    private final Retention retention = new Retention(events, deliveries, Duration.ofDays(90), clock);

    private List<StoredEvent> publish(int n) {
        List<CloudEvent> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            batch.add(TestEvents.anEvent().build());
        }
        return events.append(batch);
    }

    private void deliverEach(UUID subscription, List<StoredEvent> stored) {
        long cursor = deliveries.dispatchCursor();
        List<NewDelivery> queued = stored.stream()
                .map(e -> new NewDelivery(subscription, e.sequence(), e.event().id())).toList();
        List<Delivery> ds = deliveries.queue(queued, clock.instant());
        deliveries.moveDispatchCursor(EndpointPartitions.ALL, cursor, stored.get(stored.size() - 1).sequence());
        List<AttemptRecord> records = new ArrayList<>();
        for (Delivery d : ds) {
            records.add(new AttemptRecord(new DeliveryAttempt(0, subscription, d.id(), d.eventId(), 1, clock.instant(),
                    200, null, 3), DeliveryStatus.DELIVERED, null));
        }
        deliveries.recordAttempts(records);
    }

    @Test
    void deletesEventsAndDeliveryLogsOlderThanThePeriodInBatchesAndKeepsTheRest() {
        UUID subscription = UUID.randomUUID();
        Delivery validation = deliveries.queueValidation(subscription, T0).orElseThrow();
        List<StoredEvent> old = publish(2_500);
        deliverEach(subscription, old.subList(0, 1_200));
        clock.advance(Duration.ofDays(60));
        List<StoredEvent> kept = publish(3);
        deliverEach(subscription, kept);
        clock.advance(Duration.ofDays(31));

        Retention.Pass pass = retention.runOnce();

        assertThat(pass.events()).isEqualTo(2_500);
        assertThat(pass.deliveryRows()).as("1 200 deliveries and their attempts").isEqualTo(2_400);
        assertThat(events.readAll(0, 10)).isEqualTo(kept);
        assertThat(deliveries.attempts(subscription, Long.MAX_VALUE, 10)).hasSize(3);
        assertThat(deliveries.claimDue(clock.instant(), 10, clock.instant().plusSeconds(60), EndpointPartitions.ALL, Set.of()))
                .extracting(Delivery::id).containsExactly(validation.id());
        assertThat(retention.runOnce()).isEqualTo(new Retention.Pass(0, 0));
    }

    @Test
    void keepsOldEventsTheDispatcherHasNotReachedYet() {
        List<StoredEvent> stored = publish(5);
        deliveries.moveDispatchCursor(EndpointPartitions.ALL, 0, stored.get(1).sequence());
        clock.advance(Duration.ofDays(91));

        assertThat(retention.runOnce().events()).isEqualTo(2);
        assertThat(events.readAll(0, 10)).isEqualTo(stored.subList(2, 5));
    }

    @Test
    void keepsEverythingYoungerThanThePeriod() {
        UUID subscription = UUID.randomUUID();
        deliverEach(subscription, publish(10));
        clock.advance(Duration.ofDays(89));

        assertThat(retention.runOnce()).isEqualTo(new Retention.Pass(0, 0));
        assertThat(events.readAll(0, 100)).hasSize(10);
    }
}
