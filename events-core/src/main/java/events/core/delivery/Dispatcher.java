package events.core.delivery;

import events.domain.CloudEvent;
import events.domain.Delivery;
import events.domain.EndpointPartitions;
import events.domain.StoredEvent;
import events.domain.Subscription;
import events.ports.ChangeSignals;
import events.ports.DeliveryNodes;
import events.ports.DeliveryQueue;
import events.ports.DeliveryQueue.NewDelivery;
import events.ports.EventStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queues a delivery for every match of every acknowledged event. It follows the event store's sequence from the
 * dispatch cursor; of several processes, only the holder of the dispatcher's lease ({@link
 * DeliveryNodes#leaseDispatch}) dispatches, and another takes over once the lease runs out (at once when its holder
 * closes). For each batch of events it brings the {@link SubscriptionIndex} up to date (so that it knows every
 * subscription change committed before the batch's events), matches, and queues the deliveries, the last of them
 * with the new cursor in one transaction. Those to endpoints of this process's partitions that {@link InFlight} has
 * room for are stored leased and pushed once stored; the others are stored due now, for the owner's {@link
 * Scheduler} (woken here, or elsewhere through {@link ChangeSignals.Change#DELIVERIES}).
 *
 * <p>A batch that nothing matches costs no write: the cursor passes it in memory and is written with the next batch
 * that matches, or within {@link #CHECKPOINT}. With no active subscription at all, the cursor passes events without
 * reading them.
 */
final class Dispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    /** Events read per round. */
    static final int BATCH = 500;
    /** Deliveries stored in the first piece of a batch's (see {@link #queue}). */
    static final int FIRST_PIECE = 64;
    /** With no active subscription, the wait between passes: a server that is only polled makes ten a second. */
    static final long IDLE_PASS_MILLIS = 100;
    /** How long the stored cursor may stay behind events that nothing matched. */
    static final Duration CHECKPOINT = Duration.ofSeconds(1);
    /** How long the dispatcher's lease lasts; its holder renews it after a third of that. */
    static final Duration LEASE = Duration.ofSeconds(10);
    /** How often a process that does not hold the lease tries to take it. */
    static final Duration STANDBY_CHECK = Duration.ofSeconds(1);

    /** An event and a subscription it matched, held to be pushed once stored. */
    private record Match(CloudEvent event, Subscription subscription) {
    }

    private final UUID holder = UUID.randomUUID();
    private final EventStore events;
    private final DeliveryQueue deliveries;
    private final DeliveryNodes nodes;
    private final SubscriptionIndex index;
    private final NodeMembership membership;
    private final InFlight inFlight;
    private final Pusher pusher;
    private final Scheduler scheduler;
    private final ChangeSignals signals;
    private final Clock clock;
    private final Duration deliveryLease;
    private final Duration pollInterval;
    private final Signal signal = new Signal();
    /** Ends the wait after a pass with no active subscription (raised once one is, and at close). */
    private final Signal idlePause = new Signal();

    private volatile boolean leading;
    private Instant leaseCheckAt = Instant.MIN;
    /** The dispatch cursor in the store as last read or written; -1 = read it. */
    private long storedCursor = -1;
    /** How far this process has dispatched: past {@link #storedCursor} only over events that nothing matched. */
    private volatile long cursor = -1;
    private Instant storedAt = Instant.MIN;
    private boolean idlePassed;

    Dispatcher(EventStore events, DeliveryQueue deliveries, DeliveryNodes nodes, SubscriptionIndex index,
            NodeMembership membership, InFlight inFlight, Pusher pusher, Scheduler scheduler, ChangeSignals signals,
            Clock clock, Duration deliveryLease, Duration pollInterval) {
        this.events = events;
        this.deliveries = deliveries;
        this.nodes = nodes;
        this.index = index;
        this.membership = membership;
        this.inFlight = inFlight;
        this.pusher = pusher;
        this.scheduler = scheduler;
        this.signals = signals;
        this.clock = clock;
        this.deliveryLease = deliveryLease;
        this.pollInterval = pollInterval;
    }

    /** New events were stored: dispatch them now. */
    void wake() {
        signal.raise();
    }

    /** A subscription became active: no more idle passes. */
    void subscriptionsActive() {
        idlePause.raise();
    }

    /** Whether this process held the dispatcher's lease when it last looked. */
    boolean leading() {
        return leading;
    }

    /** How far this process has dispatched (-1 before its first round). */
    long dispatched() {
        return cursor;
    }

    /** Dispatches until {@code running} turns false, then stores the cursor and hands the lease over. */
    void run(BooleanSupplier running) {
        while (running.getAsBoolean()) {
            try {
                if (!dispatchOnce()) {
                    if (idlePassed) {
                        idlePause.await(IDLE_PASS_MILLIS);
                    }
                    // Never so long that the lease would run out unrenewed, nor a standby's check would be late.
                    signal.await(Math.min(pollInterval.toMillis(),
                            (leading ? LEASE.dividedBy(3) : STANDBY_CHECK).toMillis()));
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | Error e) {
                LOG.warn("dispatching failed; retrying in a second: {}", e.toString());
                storedCursor = -1;
                Signal.sleep(1000);
            }
        }
        if (leading) {
            try {
                Instant now = clock.instant();
                checkpoint(now);
                nodes.leaseDispatch(holder, now, now); // ends now: a standby takes it at its next check
            } catch (RuntimeException e) {
                LOG.debug("could not store the dispatch cursor or end the lease at shutdown: {}", e.toString());
            }
        }
    }

    /** Makes {@link #run} return soon. */
    void stop() {
        signal.raise();
        idlePause.raise();
    }

    /** Queues the deliveries of the next batch of events. Returns whether more events may be waiting. */
    boolean dispatchOnce() {
        Instant now = clock.instant();
        if (!holdsLease(now)) {
            return false;
        }
        if (storedCursor < 0) {
            reloadCursor(now);
        }
        idlePassed = index.size() == 0 && passWithoutReading(now);
        if (idlePassed) {
            return false;
        }
        List<StoredEvent> batch = events.readAll(cursor, BATCH);
        if (batch.isEmpty()) {
            checkpointIfDue(now);
            return false;
        }
        // After the read: a subscription whose activation committed before one of these events is seen.
        index.refreshIfStale();
        boolean more = batch.size() == BATCH;
        Map<String, Match> pushing = new HashMap<>();
        try {
            boolean dispatchedHere = queue(batch, pushing, now);
            return more || !dispatchedHere; // when another process dispatched them, go on from where it got to
        } finally {
            // held but not pushed (the dispatch failed or another process made it first, or not queued by it: its
            // subscription was deleted meanwhile or it was queued before): let go; the store has what it needs
            pushing.keySet().forEach(inFlight::release);
        }
    }

    /**
     * Queues the deliveries of {@code batch} and pushes those held in {@code pushing} once stored (removing them).
     * Returns false when another process had dispatched these events meanwhile.
     */
    private boolean queue(List<StoredEvent> batch, Map<String, Match> pushing, Instant now) {
        long last = batch.get(batch.size() - 1).sequence();
        List<NewDelivery> queueing = new ArrayList<>();
        EndpointPartitions mine = membership.ownership(now);
        Instant leased = now.plus(deliveryLease);
        boolean dueHere = false;
        boolean dueElsewhere = false;
        for (StoredEvent stored : batch) {
            for (SubscriptionIndex.Entry entry : index.matching(stored.event())) {
                Subscription s = entry.subscription();
                String messageId = Delivery.messageId(s.id(), stored.sequence());
                boolean ours = mine.containsEndpoint(s.request().endPoint());
                if (ours && inFlight.hold(messageId, s.request().endPoint(), Job.sizeOf(stored.event()))) {
                    queueing.add(new NewDelivery(s.id(), stored.sequence(), stored.event().id(), leased));
                    pushing.put(messageId, new Match(stored.event(), s));
                } else {
                    queueing.add(new NewDelivery(s.id(), stored.sequence(), stored.event().id()));
                    dueHere |= ours;
                    dueElsewhere |= !ours;
                }
            }
        }
        if (queueing.isEmpty()) {
            cursor = last;
            checkpointIfDue(now);
            return true;
        }
        // In pieces that double in size, each pushed once stored while the next is stored: a thousand deliveries of
        // one event start with the first 64 instead of waiting for all. Only the last piece moves the cursor; should
        // this process stop before it, whoever dispatches the batch again stores only the rest (a delivery is stored
        // once), and those stored already are claimed after their lease.
        for (int from = 0, piece = FIRST_PIECE; from < queueing.size(); from += piece, piece *= 2) {
            int to = Math.min(queueing.size(), from + piece);
            long movedTo = to == queueing.size() ? last : storedCursor;
            Optional<List<Delivery>> queued = deliveries.dispatch(storedCursor, movedTo, queueing.subList(from, to),
                    now);
            if (queued.isEmpty()) {
                reloadCursor(now); // another process dispatched meanwhile: continue from where it got to
                return false;
            }
            for (Delivery d : queued.get()) {
                Match match = pushing.remove(d.messageId());
                if (match != null) {
                    pusher.push(new Job(d, match.event(), match.subscription()));
                }
            }
        }
        storedCursor = cursor = last;
        storedAt = now;
        if (dueHere) {
            scheduler.wake();
        }
        if (dueElsewhere) {
            signals.announce(ChangeSignals.Change.DELIVERIES);
        }
        return true;
    }

    /**
     * With no active subscription, no event can match: moves the cursor past every stored event without reading
     * them. Returns false, having done nothing, when a subscription turned out to be active after all.
     */
    private boolean passWithoutReading(Instant now) {
        long last = events.lastSequence();
        index.refreshIfStale(); // after the read, as for a batch
        if (index.size() > 0) {
            return false;
        }
        if (last > cursor) {
            cursor = last;
        }
        checkpointIfDue(now);
        return true;
    }

    private boolean holdsLease(Instant now) {
        if (now.isBefore(leaseCheckAt)) {
            return leading;
        }
        boolean was = leading;
        leading = nodes.leaseDispatch(holder, now, now.plus(LEASE));
        leaseCheckAt = now.plus(leading ? LEASE.dividedBy(3) : STANDBY_CHECK);
        if (leading != was) {
            LOG.info(leading ? "this process dispatches new events now" : "another process dispatches new events");
            storedCursor = -1; // whoever dispatched meanwhile moved the cursor
        }
        return leading;
    }

    private void reloadCursor(Instant now) {
        storedCursor = cursor = deliveries.dispatchCursor();
        storedAt = now;
    }

    private void checkpointIfDue(Instant now) {
        if (Duration.between(storedAt, now).compareTo(CHECKPOINT) >= 0) {
            checkpoint(now);
        }
    }

    /** Writes the cursor past events nothing matched, if it is ahead of the stored one. */
    private void checkpoint(Instant now) {
        if (storedCursor < 0 || cursor == storedCursor) {
            return;
        }
        if (deliveries.dispatch(storedCursor, cursor, List.of(), now).isPresent()) {
            storedCursor = cursor;
            storedAt = now;
        } else {
            reloadCursor(now);
        }
    }
}
