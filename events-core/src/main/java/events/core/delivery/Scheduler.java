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
 * dispatcher had no room for, those whose holder died or whose partition changed hands) and hands them to the {@link Pusher}, as many
 * as {@link InFlight} has room for, never those of busy endpoints. A claimed delivery that this process holds
 * already has had its lease renewed. Each round first abandons attempts lost inside this process ({@link
 * Pusher#abandonLost}).
 */
final class Scheduler {
    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);
    /** Deliveries claimed per round at most. */
    static final int CLAIM_BATCH = 500;
    /** The longest the scheduler waits without looking for due deliveries. */
    private static final long MAX_SLEEP_MILLIS = 1000;
    /** The most subscriptions a claim skips (H2 takes arrays of up to 65 536 elements). */
    static final int MAX_SKIPPED = 50_000;
    /** How long a claimed delivery that could not be held after all waits before it is claimed again. */
    static final Duration PARKED = Duration.ofSeconds(1);

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
            } catch (RuntimeException | Error e) {
                LOG.warn("scheduling deliveries failed; retrying in a second: {}", e.toString());
                Signal.sleep(1000);
            }
        }
    }

    private long untilNextDueMillis() {
        if (inFlight.room() <= 0) {
            return MAX_SLEEP_MILLIS; // a release that makes room wakes it
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

    /**
     * The subscriptions not to claim for now: their endpoints are busy (see {@link InFlight}). At most {@link
     * #MAX_SKIPPED}: beyond that, a busy endpoint's deliveries may be claimed, and are parked.
     */
    private Set<UUID> skipped() {
        Set<String> busy = inFlight.busyEndpoints();
        return busy.isEmpty() ? Set.of() : index.subscriptionsTo(busy, MAX_SKIPPED);
    }

    /**
     * Abandons lost attempts, claims due deliveries and starts attempting them. Returns whether more may be due right
     * away (a full batch was claimed and held).
     */
    boolean scheduleOnce() {
        Instant now = clock.instant();
        pusher.abandonLost(now.minus(lease.multipliedBy(2)));
        int limit = Math.min(Math.min(inFlight.room(), CLAIM_BATCH), inFlight.claimBatch());
        if (limit <= 0) {
            return false;
        }
        EndpointPartitions mine = membership.ownership(now);
        if (mine.isEmpty()) {
            return false;
        }
        List<Delivery> claimed = deliveries.claimDue(now, limit, now.plus(lease), mine, skipped());
        // those held already (queued behind a busy endpoint) have just had their lease renewed
        List<Delivery> fresh = claimed.stream().filter(d -> !inFlight.holds(d.messageId())).toList();
        Map<Long, CloudEvent> bySequence = new HashMap<>();
        List<Long> sequences = fresh.stream().filter(d -> !d.isValidation()).map(Delivery::eventSequence)
                .distinct().toList();
        for (StoredEvent e : events.get(sequences)) {
            bySequence.put(e.sequence(), e.event());
        }
        List<Long> parked = new ArrayList<>();
        int pushed = 0;
        for (Delivery d : fresh) {
            Optional<Subscription> subscription = d.isValidation()
                    ? subscriptions.awaitingValidation(d.subscriptionId()) : subscriptions.active(d.subscriptionId());
            CloudEvent event = d.isValidation()
                    ? subscription.map(s -> s.validationEvent(baseUrl.get())).orElse(null)
                    : bySequence.get(d.eventSequence());
            if (subscription.isEmpty() || event == null) {
                recorder.ended(d, DeliveryStatus.CANCELLED);
                continue;
            }
            Job job = Job.of(d, event, subscription.get());
            if (inFlight.hold(d.messageId(), job.endpoint(), Job.sizeOf(event))) {
                pusher.push(job);
                pushed++;
            } else {
                parked.add(d.id()); // no room after all (the bytes): looked at again a little later
            }
        }
        deliveries.unclaim(parked, now.plus(PARKED));
        return pushed == limit;
    }
}
