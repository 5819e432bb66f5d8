package events.core.delivery;

import events.domain.CloudEvent;
import events.domain.Delivery;
import events.domain.DeliveryStatus;
import events.domain.EndpointPartitions;
import events.domain.StoredEvent;
import events.domain.Subscription;
import events.ports.DeliveryQueue;
import events.ports.EventStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims the due deliveries of this process's endpoint partitions (retries, redrives, validations, deliveries the
 * dispatcher stored for their owner to take, those whose holder died) and hands them to the {@link Pusher}, as many
 * as {@link InFlight} has room for, never those of endpoints whose share of it is used up. A claimed delivery that
 * this process holds already has had its lease renewed; one whose attempt started more than two leases ago without
 * an outcome is taken as lost and attempted afresh (at least once).
 */
final class Scheduler {
    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
    /** Deliveries claimed per round at most. */
    static final int CLAIM_BATCH = 500;
    /** The longest the scheduler waits without looking for due deliveries. */
    private static final long MAX_SLEEP_MILLIS = 1000;

    private final DeliveryQueue deliveries;
    private final EventStore events;
    private final SubscriptionIndex index;
    private final SubscriptionLookup subscriptions;
    private final NodeMembership membership;
    private final InFlight inFlight;
    private final Pusher pusher;
    private final OutcomeRecorder recorder;
    private final Clock clock;
    private final Duration lease;
    private final Supplier<String> baseUrl;
    private final Signal signal = new Signal();

    Scheduler(DeliveryQueue deliveries, EventStore events, SubscriptionIndex index, SubscriptionLookup subscriptions,
            NodeMembership membership, InFlight inFlight, Pusher pusher, OutcomeRecorder recorder, Clock clock,
            Duration lease, Supplier<String> baseUrl) {
        this.deliveries = deliveries;
        this.events = events;
        this.index = index;
        this.subscriptions = subscriptions;
        this.membership = membership;
        this.inFlight = inFlight;
        this.pusher = pusher;
        this.recorder = recorder;
        this.clock = clock;
        this.lease = lease;
        this.baseUrl = baseUrl;
    }

    /** Deliveries became due here, or room was made for them: look now. */
    void wake() {
        signal.raise();
    }

    /** Claims and pushes until {@code running} turns false. */
    void run(java.util.function.BooleanSupplier running) {
        while (running.getAsBoolean()) {
            try {
                // raised meanwhile: look again at once, without asking when the next is due
                if (!scheduleOnce() && !signal.lower()) {
                    signal.await(untilNextDueMillis());
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("scheduling deliveries failed; retrying in a second: {}", e.toString());
                Signal.sleep(1000);
            }
        }
    }

    private long untilNextDueMillis() {
        if (inFlight.room() <= 0) {
            return MAX_SLEEP_MILLIS; // an attempt that ends wakes it
        }
        EndpointPartitions mine = membership.ownership(clock.instant());
        if (mine.isEmpty()) {
            return MAX_SLEEP_MILLIS;
        }
        Optional<Instant> next = deliveries.nextDue(mine, skipped());
        if (next.isEmpty()) {
            return MAX_SLEEP_MILLIS;
        }
        long millis = Duration.between(clock.instant(), next.get()).toMillis();
        return Math.max(1, Math.min(MAX_SLEEP_MILLIS, millis));
    }

    /** The subscriptions not to claim for now: their endpoints' share of memory is used up. */
    private Set<UUID> skipped() {
        Set<String> full = inFlight.fullEndpoints();
        return full.isEmpty() ? Set.of() : index.subscriptionsTo(full);
    }

    /** Claims due deliveries and starts attempting them. Returns whether more may be due right away. */
    boolean scheduleOnce() {
        int room = inFlight.room();
        if (room <= 0) {
            return false;
        }
        Instant now = clock.instant();
        EndpointPartitions mine = membership.ownership(now);
        if (mine.isEmpty()) {
            return false;
        }
        // never more than one endpoint may hold: all of a round's may be for one endpoint
        int limit = Math.min(Math.min(room, CLAIM_BATCH), inFlight.endpointShare());
        List<Delivery> claimed = deliveries.claimDue(now, limit, now.plus(lease), mine, skipped());
        Instant lost = now.minus(lease.multipliedBy(2));
        List<Delivery> fresh = claimed.stream().filter(d -> !inFlight.holds(d.messageId())
                || lostAttempt(d, lost)).toList();
        Map<Long, CloudEvent> bySequence = new HashMap<>();
        List<Long> sequences = fresh.stream().filter(d -> !d.isValidation()).map(Delivery::eventSequence)
                .distinct().toList();
        for (StoredEvent e : events.get(sequences)) {
            bySequence.put(e.sequence(), e.event());
        }
        List<Long> unheld = new ArrayList<>();
        for (Delivery d : fresh) {
            Optional<Subscription> subscription = d.isValidation() ? subscriptions.awaitingValidation(d.subscriptionId())
                    : subscriptions.active(d.subscriptionId());
            CloudEvent event = d.isValidation()
                    ? subscription.map(s -> s.validationEvent(baseUrl.get())).orElse(null)
                    : bySequence.get(d.eventSequence());
            if (subscription.isEmpty() || event == null) {
                recorder.ended(d, DeliveryStatus.CANCELLED);
                continue;
            }
            Job job = new Job(d, event, subscription.get());
            if (inFlight.holds(d.messageId()) || inFlight.hold(d.messageId(), job.endpoint(), Job.sizeOf(event))) {
                pusher.push(job);
            } else {
                unheld.add(d.id()); // no room after all (its endpoint's share, or the bytes): due again now
            }
        }
        deliveries.unclaim(unheld, now);
        // Claimed deliveries already held (queued behind a busy endpoint) just had their lease renewed: they are no
        // reason to look again at once.
        return !fresh.isEmpty() && claimed.size() == limit;
    }

    private boolean lostAttempt(Delivery d, Instant lost) {
        if (!inFlight.lostSince(d.messageId(), lost)) {
            return false;
        }
        LOG.warn("delivery {} was attempted more than two leases ago without an outcome; attempting it again", d.id());
        return true;
    }
}
