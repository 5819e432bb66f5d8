package events.core.delivery;

import events.domain.Delivery;
import events.domain.EndpointPartitions;
import events.domain.StoredEvent;
import events.domain.Subscription;
import events.ports.DeliveryQueue;
import events.ports.DeliveryQueue.NewDelivery;
import events.ports.EventStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queues a delivery for every match of every acknowledged event, for the endpoints of this process's partitions
 * ({@link NodeMembership}): every process dispatches to the endpoints it delivers to, so a delivery is pushed by the
 * process that stored it, from memory, without a second look in the store. For a batch of events it brings the {@link
 * SubscriptionIndex} up to date (so that it knows every subscription change committed before the batch's events),
 * matches, and queues the deliveries: those {@link InFlight} has room for leased, and pushed (while they are stored
 * when no other process can have queued them, otherwise once stored); the others due now, for the {@link
 * Scheduler}.
 *
 * <p>Each partition has a dispatch cursor of its own in the store, written within {@link #CHECKPOINT} of the events it
 * passes (the store queues a delivery once, so events read again after a crash or a hand-over cost a read and nothing
 * more). Partitions at the same place go together (a {@link Place}), so a process that owns them all, or has owned
 * its partitions for a while, reads each batch of events once; partitions it gains start where their previous owner
 * got to, are read up to where its others are, and then go with them. With no active subscription to its endpoints, a
 * process passes events without reading them. While partitions change hands two processes may both dispatch one for a
 * moment: each delivery is still queued once, and pushed by the process that queued it (see {@link
 * #pushesWhileStoring} for the exception).
 */
final class Dispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    /** Events read per round. */
    static final int BATCH = 500;
    /** Deliveries stored in the first piece of a batch's (see {@link #queue}). */
    static final int FIRST_PIECE = 64;
    /** With no subscription to its endpoints, the wait between passes: a server only polled makes ten a second. */
    static final long IDLE_PASS_MILLIS = 100;
    /** How long a stored cursor may stay behind events that nothing matched. */
    static final Duration CHECKPOINT = Duration.ofSeconds(1);
    /**
     * How long a process stores each delivery before pushing it after it began owning its partitions (again: after
     * any change of them, or a lapse of its heartbeats): long enough for a process that owned them before to have
     * stopped, as it does at its next heartbeat or once its own are {@link NodeMembership#NODE_ALIVE} old, with a
     * margin.
     */
    static final Duration STORE_FIRST = NodeMembership.NODE_ALIVE.plus(NodeMembership.HEARTBEAT.multipliedBy(2));

    /**
     * Partitions whose stored cursor is the same, and that this process has dispatched equally far: past the stored
     * cursor only over events that nothing matched.
     */
    private static final class Place {
        EndpointPartitions partitions;
        long stored;
        long cursor;
        Instant storedAt;

        Place(EndpointPartitions partitions, long stored, Instant storedAt) {
            this.partitions = partitions;
            this.stored = stored;
            this.cursor = stored;
            this.storedAt = storedAt;
        }
    }

    private final EventStore events;
    private final DeliveryQueue deliveries;
    private final SubscriptionIndex index;
    private final NodeMembership membership;
    private final InFlight inFlight;
    private final Pusher pusher;
    private final Scheduler scheduler;
    private final Clock clock;
    private final Duration deliveryLease;
    private final Duration pollInterval;
    private final Signal signal = new Signal();
    /** Ends the wait after a pass with no active subscription (raised once one is, and at close). */
    private final Signal idlePause = new Signal();

    /** The partitions {@link #places} are of. */
    private EndpointPartitions owned = EndpointPartitions.NONE;
    /** Where this process's partitions are, the furthest behind first; empty: read them from the store. */
    private final List<Place> places = new ArrayList<>();
    private boolean idlePassed;
    /** Events after this one, stored after the process began dispatching its partitions, no other process queued. */
    private long lastBeforeReload = Long.MAX_VALUE;
    /** From when deliveries of such events are pushed while they are stored. */
    private Instant pushWhileStoringFrom = Instant.MAX;
    /** {@link NodeMembership#ownedSince} when {@link #places} were read. */
    private Instant ownedSince = Instant.MAX;
    /** How far this process has dispatched all its partitions (-1 before its first round). */
    private volatile long dispatched = -1;

    Dispatcher(EventStore events, DeliveryQueue deliveries, SubscriptionIndex index, NodeMembership membership,
            InFlight inFlight, Pusher pusher, Scheduler scheduler, Clock clock, Duration deliveryLease,
            Duration pollInterval) {
        this.events = events;
        this.deliveries = deliveries;
        this.index = index;
        this.membership = membership;
        this.inFlight = inFlight;
        this.pusher = pusher;
        this.scheduler = scheduler;
        this.clock = clock;
        this.deliveryLease = deliveryLease;
        this.pollInterval = pollInterval;
    }

    /** New events were stored, or partitions gained: dispatch now. */
    void wake() {
        signal.raise();
    }

    /** A subscription became active: no more idle passes. */
    void subscriptionsActive() {
        idlePause.raise();
    }

    /** How far this process has dispatched every partition it owns (-1 before its first round). */
    long dispatched() {
        return dispatched;
    }

    /** Dispatches until {@code running} turns false, then stores how far it got. */
    void run(BooleanSupplier running) {
        while (running.getAsBoolean()) {
            try {
                if (!dispatchOnce()) {
                    if (idlePassed) {
                        idlePause.await(IDLE_PASS_MILLIS);
                    }
                    // Never so long that partitions gained at a heartbeat would wait.
                    signal.await(Math.min(pollInterval.toMillis(), NodeMembership.HEARTBEAT.toMillis()));
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | Error e) {
                LOG.warn("dispatching failed; retrying in a second: {}", withCauses(e));
                places.clear();
                Signal.sleep(1000);
            }
        }
        try {
            Instant now = clock.instant();
            for (Place place : List.copyOf(places)) {
                checkpoint(place, now);
            }
        } catch (RuntimeException e) {
            LOG.debug("could not store the dispatch cursors at shutdown: {}", e.toString());
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
        EndpointPartitions mine = membership.ownership(now);
        if (!mine.equals(owned) || !membership.ownedSince().equals(ownedSince)) {
            owned = mine;
            places.clear();
        }
        if (mine.isEmpty()) {
            return false;
        }
        if (places.isEmpty()) {
            reload(now);
        }
        idlePassed = !index.hasEndpointIn(owned) && passWithoutReading(now);
        if (idlePassed) {
            return false;
        }
        Place place = places.get(0);
        List<StoredEvent> read = events.readAll(place.cursor, BATCH);
        if (read.isEmpty()) {
            checkpointIfDue(now); // the furthest behind is up to date: so are all
            return false;
        }
        // After the read: a subscription whose activation committed before one of these events is seen.
        index.refreshIfStale();
        // Behind another place, only up to it: then the two are one, and each event is read once again.
        long through = read.get(read.size() - 1).sequence();
        List<StoredEvent> batch = read;
        if (places.size() > 1 && through > places.get(1).cursor) {
            through = places.get(1).cursor;
            long upTo = through;
            batch = read.stream().filter(e -> e.sequence() <= upTo).toList();
        }
        Map<String, Job> pushing = new HashMap<>();
        Map<String, Job> pushed = new HashMap<>();
        try {
            queue(place, batch, through, pushing, pushed, now);
            return read.size() == BATCH || batch.size() < read.size() || places.size() > 1;
        } finally {
            // held but not pushed (queueing failed, or not queued by it: another process queued it first, or its
            // subscription was deleted meanwhile): let go; the store has what it needs
            pushing.values().forEach(job -> job.release(inFlight));
            // pushed while stored, and not stored by this dispatch: not its outcome to record, nor its hold to keep
            // (whoever dispatches it holds it anew)
            pushed.values().forEach(job -> {
                job.stored().complete(null);
                job.release(inFlight);
            });
        }
    }

    /**
     * Queues the deliveries of {@code batch} to the endpoints of {@code place}'s partitions; then {@code place} has
     * dispatched up to {@code last} (the batch holds every event up to it), written to the store within {@link
     * #CHECKPOINT}. Those {@link InFlight} has room for are pushed: once stored, or, where no other process can have
     * queued them (see {@link #pushesWhileStoring}), while they are stored, so that a write the database is slow to
     * take does not hold them back. Each is removed from {@code pushing} (to push once stored) or {@code pushed} (to
     * tell once stored) when the store has answered.
     */
    private void queue(Place place, List<StoredEvent> batch, long last, Map<String, Job> pushing,
            Map<String, Job> pushed, Instant now) {
        List<NewDelivery> queueing = new ArrayList<>();
        Instant leased = now.plus(deliveryLease);
        boolean dueHere = false;
        for (StoredEvent stored : batch) {
            boolean whileStoring = pushesWhileStoring(stored, now);
            for (SubscriptionIndex.Entry entry : index.matching(stored.event())) {
                Subscription s = entry.subscription();
                String endpoint = s.request().endPoint();
                if (!place.partitions.containsEndpoint(endpoint)) {
                    continue;
                }
                String messageId = Delivery.messageId(s.id(), stored.sequence());
                if (inFlight.hold(messageId, endpoint, Job.sizeOf(stored.event()))) {
                    queueing.add(new NewDelivery(s.id(), stored.sequence(), stored.event().id(), leased));
                    Job job = Job.whileStoring(stored.sequence(), stored.event(), s);
                    if (whileStoring) {
                        pushed.put(messageId, job);
                        pusher.push(job);
                    } else {
                        pushing.put(messageId, job);
                    }
                } else {
                    queueing.add(new NewDelivery(s.id(), stored.sequence(), stored.event().id()));
                    dueHere = true;
                }
            }
        }
        // In pieces that double in size, each pushed once stored while the next is stored: a thousand deliveries of
        // one event start with the first 64 instead of waiting for all. Should this process stop before the cursor is
        // written, whoever dispatches these events again queues only what is not queued yet (each delivery once), and
        // those queued already are claimed after their lease.
        for (int from = 0, piece = FIRST_PIECE; from < queueing.size(); from += piece, piece *= 2) {
            for (Delivery d : deliveries.queue(queueing.subList(from, Math.min(queueing.size(), from + piece)), now)) {
                Job job = pushing.remove(d.messageId());
                if (job != null) {
                    job.stored().complete(d);
                    pusher.push(job);
                } else if ((job = pushed.remove(d.messageId())) != null) {
                    job.stored().complete(d);
                }
            }
        }
        place.cursor = last;
        if (dueHere) {
            scheduler.wake();
        }
        settle(now);
        checkpointIfDue(now);
    }

    /**
     * Whether the deliveries of {@code event} may be pushed while they are stored: only where no other process is
     * expected to have queued them. That is for events stored after this process last read where its partitions are
     * (no process before it, nor this one before a restart or a failed round, dispatched those), once it has owned
     * them for {@link #STORE_FIRST} (a process that owned them before has stopped by then) and while its heartbeats
     * are current. Otherwise a delivery is pushed once stored, and the store's answer tells whether it is this
     * dispatch's. Either way its outcome is recorded only by the dispatch that stored it; a process stalled for longer
     * than its heartbeats allow can still push one that another has pushed (at least once, not exactly once).
     */
    private boolean pushesWhileStoring(StoredEvent event, Instant now) {
        return event.sequence() > lastBeforeReload && !now.isBefore(pushWhileStoringFrom)
                && membership.heartbeatsCurrent(now);
    }

    /**
     * With no active subscription to an endpoint of this process's, no event can match: moves the cursors past every
     * stored event without reading them. Returns false, having done nothing, when there was one after all.
     */
    private boolean passWithoutReading(Instant now) {
        long last = events.lastSequence();
        index.refreshIfStale(); // after the read, as for a batch
        if (index.hasEndpointIn(owned)) {
            return false;
        }
        for (Place place : places) {
            place.cursor = Math.max(place.cursor, last);
        }
        settle(now);
        checkpointIfDue(now);
        return true;
    }

    /** Reads where this process's partitions are. */
    private void reload(Instant now) {
        ownedSince = membership.ownedSince();
        lastBeforeReload = events.lastSequence();
        pushWhileStoringFrom = ownedSince.plus(STORE_FIRST);
        long[] cursors = deliveries.dispatchCursors();
        Map<Long, Long> byCursor = new TreeMap<>();
        for (int p : owned.toList()) {
            byCursor.merge(cursors[p], 1L << p, (a, b) -> a | b);
        }
        places.clear();
        byCursor.forEach((cursor, bits) -> places.add(new Place(new EndpointPartitions(bits), cursor, now)));
        dispatched = places.get(0).cursor;
    }

    /**
     * Orders the places, the furthest behind first, and makes one of those that have reached the same event: their
     * stored cursors are written there first, when behind (rare: a place catches up with another after its
     * partitions changed hands).
     */
    private void settle(Instant now) {
        places.sort(Comparator.comparingLong(p -> p.cursor));
        for (int i = 0; i + 1 < places.size(); i++) {
            Place a = places.get(i);
            Place b = places.get(i + 1);
            if (a.cursor != b.cursor) {
                continue;
            }
            if (!checkpoint(a, now) || !checkpoint(b, now)) {
                return; // read again next round
            }
            a.partitions = new EndpointPartitions(a.partitions.bits() | b.partitions.bits());
            places.remove(i + 1);
            i--;
        }
        dispatched = places.get(0).cursor;
    }

    private void checkpointIfDue(Instant now) {
        for (Place place : List.copyOf(places)) {
            if (Duration.between(place.storedAt, now).compareTo(CHECKPOINT) >= 0 && !checkpoint(place, now)) {
                return;
            }
        }
    }

    /**
     * Writes the place's cursor when it is ahead of the stored one. Returns false when another process had moved it
     * (the places are then read again).
     */
    private boolean checkpoint(Place place, Instant now) {
        if (place.cursor == place.stored) {
            place.storedAt = now;
            return true;
        }
        if (deliveries.moveDispatchCursor(place.partitions, place.stored, place.cursor)) {
            place.stored = place.cursor;
            place.storedAt = now;
            return true;
        }
        places.clear();
        return false;
    }

    /**
     * The failure and each of its causes, one line: the causes say why (a lock timeout, a cancelled statement),
     * and the stores' failures carry no stored values in their messages (see the JDBC adapter's
     * {@code DatabaseFailure}).
     */
    static String withCauses(Throwable failure) {
        StringBuilder text = new StringBuilder(failure.toString());
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        seen.add(failure);
        for (Throwable cause = failure.getCause(); cause != null && seen.add(cause); cause = cause.getCause()) {
            text.append(" <- ").append(cause);
        }
        return text.toString();
    }

}
