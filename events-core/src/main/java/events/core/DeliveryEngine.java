package events.core;

import events.domain.CloudEvent;
import events.domain.Delivery;
import events.domain.DeliveryAttempt;
import events.domain.DeliveryStatus;
import events.domain.EndpointPartitions;
import events.domain.RetrySchedule;
import events.domain.StoredEvent;
import events.domain.Subscription;
import events.domain.SubscriptionStatus;
import events.domain.WebhookSecret;
import events.ports.AccessRequest;
import events.ports.Action;
import events.ports.Authorizer;
import events.ports.Caller;
import events.ports.ChangeSignals;
import events.ports.DeliveryStore;
import events.ports.DeliveryStore.AttemptRecord;
import events.ports.DeliveryStore.NewDelivery;
import events.ports.EventStore;
import events.ports.SubscriptionStore;
import events.ports.WebhookSender;
import events.ports.WebhookSender.WebhookMessage;
import events.ports.WebhookSender.WebhookResponse;
import java.net.URI;
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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes every acknowledged event to every matching active subscription, at least once.
 *
 * <p><b>Dispatch.</b> One dispatcher follows the event store's sequence (the same cursor contract as polling)
 * from the delivery store's dispatch cursor. Of several processes on one storage, only the one holding the
 * dispatcher's lease ({@link DeliveryStore#leaseDispatch}) dispatches; the others follow the events (see Following)
 * and take over once it runs out ({@link #DISPATCH_LEASE}), or at once when its holder closes. For each batch of
 * events it finds the matching subscriptions in the {@link SubscriptionIndex} (brought up to date with the store
 * first, so that it knows every subscription change committed before the batch's events) and queues one delivery
 * per match, moving the cursor in the same transaction.
 * The pushes of a batch start before that transaction (see Attempts); its outcomes are recorded once it has
 * committed. A crash or a failed dispatch before the commit re-reads the batch and pushes it again under the same
 * {@code webhook-id}s; after it, the deliveries are durable. With no active subscription at all, the cursor passes
 * events without reading them. A batch that nothing matches costs no write: the cursor passes it in memory and is
 * written with the next batch that matches, or within {@link #CHECKPOINT} (a crash meanwhile re-reads at most
 * that much). Publishing wakes the dispatcher at once ({@link #wake}), in another process through the
 * {@link ChangeSignals}; without a signal it looks every {@code pollInterval}.
 *
 * <p><b>Attempts.</b> Deliveries the dispatcher queues are attempted straight from memory, starting while it
 * stores them, so that the dispatch's round trips are not part of every push's latency; once stored, the delivery
 * store holds them leased (due only after {@code lease}). A push whose delivery was not stored after all (the
 * dispatch failed, another process dispatched the same events first, or the subscription was deleted meanwhile) is
 * not recorded: the price is a repeated push in those rare cases, never a lost one. Jobs still waiting in a lane
 * when their dispatch fails are dropped, not pushed. Every other due delivery (retries, redrives,
 * validations, deliveries whose holder died) is claimed by the scheduler. Before sending, each batch is
 * authorized per consumer (action {@code subscribe}) in one call; denied deliveries end as
 * {@link DeliveryStatus#DENIED}. Each endpoint has its own {@link EndpointLane}, so a slow endpoint holds back only
 * itself. The outcome of every attempt is recorded with the delivery's next state: delivered, retry at a time
 * from the {@link RetrySchedule} (at least the endpoint's {@code Retry-After} on 429 and 503), dead-lettered,
 * or, on 410 Gone, the subscription disabled.
 *
 * <p><b>Endpoint partitions.</b> Of several processes, each attempts only deliveries to endpoints in the partitions
 * it owns ({@link #ownership}: rendezvous hashing over the processes alive, from their heartbeats), so that every
 * attempt to one endpoint comes from one process and its lane's bound holds for them all. A process alone owns every
 * partition.
 *
 * <p><b>Following.</b> The dispatcher pushes from memory only the deliveries of its own partitions. Every other
 * delivering process follows the event sequence too ({@link #followOnce}), matches the new events against its own
 * index and pushes from memory, at once, the deliveries of its partitions, while the dispatcher stores them: a
 * delivery's path to its endpoint is the same whichever process dispatches. The dispatcher stores those deliveries
 * leased for {@link #HANDOFF} and announces ({@link ChangeSignals.Change#DISPATCHED}) that it has; the follower then
 * finds them ({@link DeliveryStore#pending}) and records its outcomes as for any other. What a follower did not push
 * (no room in memory, or it fell behind) its scheduler claims once the hand-off time is over, and what was stored
 * for it before it started following (its first subscription, or after it stopped dispatching) at once; a push whose
 * delivery the dispatcher did not store is not recorded, as above.
 */
final class DeliveryEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryEngine.class);
    /** Events read per dispatch round. */
    static final int DISPATCH_BATCH = 500;
    /** Deliveries claimed per scheduling round. */
    static final int CLAIM_BATCH = 500;
    /** How long a cached copy of a subscription's secrets is used (rotation keeps old secrets valid for a day). */
    private static final Duration SECRETS_TTL = Duration.ofSeconds(5);
    /** How often the subscription index checks for changes made by other processes. */
    static final long REFRESH_MILLIS = 250;
    /** The longest the scheduler sleeps without looking for due deliveries. */
    private static final long MAX_SCHEDULER_SLEEP_MILLIS = 1000;
    /** Outcomes recorded in one transaction at most. */
    private static final int MAX_RECORD_GROUP = 500;
    /** How long the recorder lets outcomes gather before it writes them (see {@link #gather}). */
    static final Duration RECORD_LINGER = Duration.ofMillis(25);
    /**
     * With no active subscription, how long the dispatcher waits after a pass before the next: each pass costs
     * two queries and nothing can match, so a server that is only polled makes ten a second, not one per commit.
     */
    static final long IDLE_PASS_MILLIS = 100;
    /** How long the stored dispatch cursor may stay behind events that nothing matched. */
    static final Duration CHECKPOINT = Duration.ofSeconds(1);
    /**
     * How long the dispatcher's lease lasts; its holder renews it after a third of that. Another process takes
     * over at most this long plus {@link #STANDBY_CHECK} after the holder died (at once when it closed).
     */
    static final Duration DISPATCH_LEASE = Duration.ofSeconds(10);
    /** How often a process that does not hold the dispatcher's lease tries to take it. */
    static final Duration STANDBY_CHECK = Duration.ofSeconds(1);
    /**
     * How long a delivering process counts as alive after its last heartbeat ({@link DeliveryStore#heartbeat}); its
     * endpoint partitions go to the others once that has passed. It also owns nothing itself once its own last
     * heartbeat is that old (it cannot reach the store, and the others will have taken over).
     */
    static final Duration NODE_ALIVE = Duration.ofSeconds(10);
    /** How often a delivering process writes its heartbeat and works out which endpoint partitions it owns. */
    static final Duration HEARTBEAT = Duration.ofSeconds(1);
    /**
     * How long a delivery the dispatcher stores for another process's endpoint partition is left to that process,
     * which follows the events and pushes it from memory, before its scheduler claims it: the longest such a delivery
     * waits when its owner had no room for it, fell behind, or died. A follower skips events stored half of this ago
     * or longer ({@link #followOnce}), so that it does not push what its scheduler may have pushed already.
     */
    static final Duration HANDOFF = Duration.ofSeconds(2);
    /**
     * How often a follower holding pushes whose deliveries the dispatcher has not stored yet looks whether it has,
     * when no {@link ChangeSignals.Change#DISPATCHED} signal came (a signal can be lost).
     */
    static final long STORED_CHECK_MILLIS = 100;
    /**
     * How long after gaining endpoint partitions from another process alive this process only claims their due
     * deliveries and does not push new ones from memory ({@link #pushing}): by then the others have each written a
     * heartbeat and given the partitions up, and do not push them from memory themselves.
     */
    static final Duration SETTLE = HEARTBEAT.multipliedBy(2);

    /** The engine's settings. */
    record Settings(RetrySchedule schedule, Duration lease, int maxConcurrencyPerEndpoint, int maxInMemory,
            java.util.function.Supplier<String> baseUrl, Duration pollInterval) {
    }

    /**
     * A delivery to attempt. {@code queued} completes with the stored delivery: at once for one read from the
     * store; for one the dispatcher pushes while it stores it, once that commits ({@code delivery} is then
     * provisional: its subscription, event and message id are right, its id is not yet known), or exceptionally
     * when this dispatch did not store it (the dispatch failed, another process dispatched the same events, or the
     * subscription was deleted meanwhile).
     */
    private record Job(Delivery delivery, CloudEvent event, Subscription subscription, URI endpoint,
            CompletableFuture<Delivery> queued) {
        Job(Delivery delivery, CloudEvent event, Subscription subscription, URI endpoint) {
            this(delivery, event, subscription, endpoint, CompletableFuture.completedFuture(delivery));
        }
    }

    private record CachedSecrets(List<WebhookSecret> secrets, Instant until) {
    }

    private final EventStore events;
    private final SubscriptionStore subscriptions;
    private final DeliveryStore deliveries;
    private final WebhookSender sender;
    private final Authorizer authorizer;
    private final SubscriptionIndex index;
    private final Clock clock;
    private final Settings settings;
    private final DoubleSupplier random;
    private final ChangeSignals signals;

    private final Map<String, EndpointLane<Job>> lanes = new ConcurrentHashMap<>();
    /**
     * Deliveries held in memory by this process (queued in a lane or being attempted), with when they were
     * taken. The scheduler renews the lease of held deliveries that come due again; one held for more than two
     * leases is taken as lost and attempted afresh, so that no fault inside this process can keep a delivery
     * from ever being attempted (it may then be attempted twice: at least once).
     */
    private final Map<String, Instant> held = new ConcurrentHashMap<>();
    /**
     * Deliveries this process pushes as a follower whose stored delivery it has not found yet (by message id; the
     * dispatcher may not have stored them yet). Once found, they move to {@link #held}; both count as in memory.
     */
    private final Map<String, Job> awaitingStore = new ConcurrentHashMap<>();
    /** How far this process has followed the events while another dispatches; -1 = from the dispatch cursor. */
    private long followed = -1;
    /** Set when new events were announced (or stored here), cleared by a follower that reads them. */
    private volatile boolean eventsHeard;
    /** Set when the dispatcher announced stored deliveries, cleared by a follower that reads the dispatch cursor. */
    private volatile boolean dispatchedHeard;
    /**
     * Set when this process starts following (from the dispatch cursor): its scheduler then claims at once what the
     * dispatcher stored for it before, instead of once the hand-off time is over.
     */
    private volatile boolean catchUp;
    /** Whether the follower's last round read a full batch (more events may be there). */
    private boolean followMore;
    /** When the follower last read events, and the dispatch cursor. */
    private Instant eventsReadAt = Instant.MIN;
    private Instant cursorReadAt = Instant.MIN;
    /** A dispatch cursor a follower read, and when: events up to it were stored by then ({@link #followOnce}). */
    private long storedMark = -1;
    private Instant storedMarkAt = Instant.MIN;
    private final Map<UUID, CachedSecrets> secrets = new ConcurrentHashMap<>();
    private final ExecutorService outcomes;
    private final BlockingQueue<Outcome> recorded = new LinkedBlockingQueue<>();
    private final Signal dispatchSignal = new Signal();
    private final Signal scheduleSignal = new Signal();
    /** Ends the dispatcher's wait after a pass with no active subscription (raised once one is, and at close). */
    private final Signal idlePause = new Signal();
    /** Whether the dispatcher's last round found no active subscription (only the dispatcher uses it). */
    private boolean idlePassed;
    private final List<Thread> threads = new ArrayList<>();
    private volatile ScheduledExecutorService refresher;
    /** Records outcomes from construction until {@link #close}: attempts can start before {@link #start}. */
    private final Thread recorder;
    private volatile boolean recording = true;
    private volatile boolean running;
    /** Set by {@link #close}: no more heartbeats (one after {@link DeliveryStore#leave} would join again). */
    private volatile boolean closed;
    /** The dispatch cursor in the store as this process last read or wrote it; -1 = read it. */
    private long storedCursor = -1;
    /** How far this process has dispatched: past {@link #storedCursor} only over events that nothing matched. */
    private volatile long cursor = -1;
    /** When {@link #storedCursor} was last read or written. */
    private Instant storedAt = Instant.MIN;
    /** This process, as the holder of the dispatcher's lease. */
    private final UUID node = UUID.randomUUID();
    /** Whether this process held the dispatcher's lease when it last asked (written by the dispatcher only). */
    private volatile boolean leading;
    /** Until when the lease this process last took or renewed lasts. */
    private volatile Instant leaseUntil = Instant.MIN;
    /** When to ask for the lease again. */
    private Instant leaseCheckAt = Instant.MIN;
    /** The endpoint partitions this process attempts deliveries of, as of its last heartbeat. */
    private volatile EndpointPartitions owned = EndpointPartitions.NONE;
    /** Until when {@link #owned} holds: the end of this process's last heartbeat. */
    private volatile Instant ownedUntil = Instant.MIN;
    /**
     * Partitions gained from other processes alive, not pushed from memory before {@link #settledAt} (written by
     * heartbeats only).
     */
    private volatile EndpointPartitions settling = EndpointPartitions.NONE;
    private volatile Instant settledAt = Instant.MIN;
    /** When the next heartbeat is due (guarded by {@link #heartbeatLock}). */
    private volatile Instant heartbeatAt = Instant.MIN;
    private final ReentrantLock heartbeatLock = new ReentrantLock();

    DeliveryEngine(EventStore events, SubscriptionStore subscriptions, DeliveryStore deliveries, WebhookSender sender,
            Authorizer authorizer, SubscriptionIndex index, Clock clock, Settings settings, DoubleSupplier random,
            ChangeSignals signals) {
        this.events = events;
        this.subscriptions = subscriptions;
        this.deliveries = deliveries;
        this.sender = sender;
        this.authorizer = authorizer;
        this.index = index;
        this.clock = clock;
        this.settings = settings;
        this.random = random;
        this.signals = signals;
        this.outcomes = Executors.newFixedThreadPool(4, daemon("events-delivery-outcome"));
        this.recorder = worker("events-delivery-recorder", this::recordLoop);
    }

    static DoubleSupplier defaultRandom() {
        return () -> ThreadLocalRandom.current().nextDouble();
    }

    // ------------------------------------------------------------------ lifecycle

    /** Loads the subscriptions, re-queues validations a crash may have lost, and starts the worker threads. */
    synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        index.refreshIfStale();
        requeueValidations();
        threads.add(worker("events-delivery-dispatcher", this::dispatchLoop));
        threads.add(worker("events-delivery-scheduler", this::scheduleLoop));
        refresher = Executors.newSingleThreadScheduledExecutor(daemon("events-subscription-refresh"));
        refresher.scheduleWithFixedDelay(this::refresh, REFRESH_MILLIS, REFRESH_MILLIS, TimeUnit.MILLISECONDS);
        // Heartbeats on their own schedule: never held up by a scheduler or dispatcher that has nothing to do or no
        // room in memory (the others would take this process's partitions while it still works on them).
        refresher.scheduleWithFixedDelay(this::heartbeatIfDue, 0, HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
        signals.listen(ChangeSignals.Change.EVENTS, this::wake);
        signals.listen(ChangeSignals.Change.SUBSCRIPTIONS, this::subscriptionsChangedElsewhere);
        signals.listen(ChangeSignals.Change.DELIVERIES, scheduleSignal::raise);
        signals.listen(ChangeSignals.Change.DISPATCHED, this::dispatchedElsewhere);
    }

    @Override
    public synchronized void close() {
        running = false;
        closed = true;
        if (refresher != null) {
            refresher.shutdownNow();
        }
        // Signals, not interrupts: an interrupt during database I/O can make an embedded H2 close its file.
        dispatchSignal.raise();
        scheduleSignal.raise();
        idlePause.raise();
        for (Thread t : threads) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        threads.clear();
        settleAwaitingStore();
        outcomes.shutdown();
        try {
            // let attempts in flight record their outcome; whatever is left is retried after its lease
            outcomes.awaitTermination(5, TimeUnit.SECONDS);
            recording = false;
            recorder.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            // The others take this process's endpoint partitions at their next heartbeat, not once its time runs out.
            deliveries.leave(node);
        } catch (RuntimeException e) {
            LOG.debug("could not leave the delivering processes at shutdown: {}", e.toString());
        }
    }

    /**
     * Whether this process dispatched new events and owned every endpoint partition when it last looked: then no
     * other process delivers, and events it stores need no signal.
     */
    boolean deliversAlone() {
        Instant now = clock.instant();
        return running && leading && now.isBefore(leaseUntil) && ownedAsOf(now).isAll();
    }

    /** New events were stored: dispatch them now. */
    void wake() {
        eventsHeard = true;
        dispatchSignal.raise();
    }

    /** The dispatcher stored deliveries: this process may find some it pushed while following. */
    private void dispatchedElsewhere() {
        dispatchedHeard = true;
        dispatchSignal.raise();
    }

    /** Deliveries became due (redrive): look now, here and in the other processes (they may own them). */
    void wakeScheduler() {
        scheduleSignal.raise();
        signals.announce(ChangeSignals.Change.DELIVERIES);
    }

    // ------------------------------------------------------------------ endpoint partitions

    /**
     * The endpoint partitions this process owns now: those {@link PartitionOwners} gives it among the delivering
     * processes alive at its last heartbeat, written first when one is due. All attempts to one endpoint come from
     * the process that owns its partition, so its per-endpoint bound holds across processes (while processes join
     * or leave, two may briefly each think they own a partition). A process alone owns them all. Never blocks on
     * another thread's heartbeat: it then answers with what that one last found.
     */
    EndpointPartitions ownership(Instant now) {
        if (!closed && !now.isBefore(heartbeatAt) && heartbeatLock.tryLock()) {
            try {
                if (!now.isBefore(heartbeatAt)) {
                    heartbeat(now);
                }
            } finally {
                heartbeatLock.unlock();
            }
        }
        return ownedAsOf(now);
    }

    private void heartbeatIfDue() {
        try {
            ownership(clock.instant());
        } catch (RuntimeException e) {
            // a failed task would not run again
            LOG.warn("heartbeat failed: {}", e.toString());
        }
    }

    /**
     * The endpoint partitions whose new deliveries this process pushes from memory now: those it owns, less those it
     * gained from other processes within the last {@link #SETTLE} (they may not have noticed yet, and would push
     * them too).
     */
    private EndpointPartitions pushing(Instant now) {
        EndpointPartitions mine = ownership(now);
        return now.isBefore(settledAt) ? mine.without(settling) : mine;
    }

    /** The endpoint partitions this process owns as of its last heartbeat. */
    EndpointPartitions owned() {
        return ownedAsOf(clock.instant());
    }

    /** {@link #ownership} as of the last heartbeat, without writing one. */
    private EndpointPartitions ownedAsOf(Instant now) {
        return now.isBefore(ownedUntil) ? owned : EndpointPartitions.NONE;
    }

    private void heartbeat(Instant now) {
        heartbeatAt = now.plus(HEARTBEAT);
        List<UUID> alive;
        try {
            alive = deliveries.heartbeat(node, now, now.plus(NODE_ALIVE));
        } catch (RuntimeException e) {
            LOG.warn("could not write this process's heartbeat; it keeps its endpoint partitions until {}: {}",
                    ownedUntil, e.toString());
            return;
        }
        EndpointPartitions before = ownedAsOf(now);
        EndpointPartitions owning = PartitionOwners.ownedBy(node, alive);
        owned = owning;
        ownedUntil = now.plus(NODE_ALIVE);
        if (!owning.equals(before)) {
            LOG.info("this process delivers to the endpoints of {} ({} delivering processes)", owning,
                    Math.max(1, alive.size()));
            if (before.lacksSomeOf(owning)) {
                if (alive.size() > 1) {
                    EndpointPartitions gained = owning.without(before);
                    settling = now.isBefore(settledAt) ? settling.union(gained) : gained;
                    settledAt = now.plus(SETTLE);
                }
                // partitions gained: what is due in them is this process's to attempt now
                scheduleSignal.raise();
            }
        }
    }

    // ------------------------------------------------------------------ subscription changes

    /** A subscription was created by this process: validate its endpoint now. */
    void subscriptionCreated(Subscription subscription) {
        Instant now = clock.instant();
        if (!ownership(now).containsEndpoint(subscription.request().endPoint())) {
            // another process owns the endpoint's partition: queued due now, for it to claim
            if (deliveries.queueValidation(subscription.id(), now).isPresent()) {
                signals.announce(ChangeSignals.Change.DELIVERIES);
            }
            return;
        }
        Optional<Delivery> validation = deliveries.queueValidation(subscription.id(), now.plus(settings.lease()));
        validation.ifPresent(d -> {
            held.put(d.messageId(), now);
            submit(List.of(new Job(d, subscription.validationEvent(settings.baseUrl().get()), subscription,
                    URI.create(subscription.request().endPoint()))));
        });
    }

    void subscriptionDeleted(UUID id) {
        index.remove(id);
        secrets.remove(id);
        signals.announce(ChangeSignals.Change.SUBSCRIPTIONS);
    }

    void secretRotated(UUID id) {
        secrets.remove(id);
        signals.announce(ChangeSignals.Change.SUBSCRIPTIONS);
    }

    /** Another process changed subscriptions (or their secrets): read them now rather than at the next poll. */
    private void subscriptionsChangedElsewhere() {
        secrets.clear();
        ScheduledExecutorService r = refresher;
        if (running && r != null) {
            try {
                r.execute(this::refresh);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closing
            }
        }
    }

    private void requeueValidations() {
        try {
            Instant now = clock.instant();
            for (Subscription s : subscriptions.pending()) {
                deliveries.queueValidation(s.id(), now);
            }
        } catch (RuntimeException e) {
            LOG.warn("could not re-queue endpoint validations: {}", e.toString());
        }
    }

    private void refresh() {
        try {
            index.refreshIfStale();
            if (index.size() > 0) {
                idlePause.raise();
            }
        } catch (RuntimeException e) {
            LOG.warn("could not refresh the subscriptions: {}", e.toString());
        }
    }

    // ------------------------------------------------------------------ dispatch

    private void dispatchLoop() {
        while (running) {
            try {
                if (!dispatchOnce()) {
                    if (idlePassed) {
                        idlePause.await(IDLE_PASS_MILLIS);
                    }
                    // Events stored by other processes wake it through the change signals, or else are found then.
                    // Never so long that the lease would run out unrenewed, nor a standby's check would be late.
                    long wait = Math.min(settings.pollInterval().toMillis(),
                            (leading ? DISPATCH_LEASE.dividedBy(3) : STANDBY_CHECK).toMillis());
                    if (!awaitingStore.isEmpty()) {
                        wait = Math.min(wait, STORED_CHECK_MILLIS);
                    }
                    dispatchSignal.await(wait);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("dispatching failed; retrying in a second: {}", e.toString());
                storedCursor = -1;
                sleepQuietly(1000);
            }
        }
        if (leading) {
            try {
                Instant now = clock.instant();
                checkpoint(now);
                // Hand over at once: a lease that ends now lets a standing-by process take it at its next check.
                deliveries.leaseDispatch(node, now, now);
            } catch (RuntimeException e) {
                LOG.debug("could not store the dispatch cursor or end the lease at shutdown: {}", e.toString());
            }
        }
    }

    /**
     * Queues the deliveries of the next batch of events and starts attempting them. Returns whether there may
     * be more events to dispatch right away.
     */
    boolean dispatchOnce() {
        Instant now = clock.instant();
        if (!holdsDispatchLease(now)) {
            return followOnce(now);
        }
        // pushed while following, before this process took the dispatcher's lease
        findStoredIfAwaiting(now);
        if (storedCursor < 0) {
            reloadCursor(now);
        }
        idlePassed = index.size() == 0 && passWithoutReading(now);
        if (idlePassed) {
            return false;
        }
        List<StoredEvent> batch = events.readAll(cursor, DISPATCH_BATCH);
        if (batch.isEmpty()) {
            checkpointIfDue(now);
            return false;
        }
        // A subscription whose activation committed before one of these events did is seen by this read: an
        // event acknowledged once its subscription shows as active is never matched against an older index.
        index.refreshIfStale();
        List<NewDelivery> matches = new ArrayList<>();
        Map<Long, CloudEvent> bySequence = new HashMap<>();
        Map<UUID, Subscription> bySubscription = new HashMap<>();
        for (StoredEvent stored : batch) {
            for (SubscriptionIndex.Entry entry : index.matching(stored.event())) {
                Subscription s = entry.subscription();
                matches.add(new NewDelivery(s.id(), stored.sequence(), stored.event().id()));
                bySequence.put(stored.sequence(), stored.event());
                bySubscription.put(s.id(), s);
            }
        }
        long last = batch.get(batch.size() - 1).sequence();
        boolean more = batch.size() == DISPATCH_BATCH;
        if (matches.isEmpty()) {
            cursor = last;
            checkpointIfDue(now);
            return more;
        }
        // Deliveries to endpoints of this process's partitions are attempted from here, leased (while there is room in
        // memory); the others are left to their owner for the hand-off time: it follows the events and pushes them.
        EndpointPartitions mine = ownership(now);
        EndpointPartitions pushable = pushing(now);
        boolean roomInMemory = inMemory() < settings.maxInMemory();
        Instant leased = now.plus(settings.lease());
        Instant handedOff = now.plus(HANDOFF);
        boolean dueHere = false;
        boolean handedOver = false;
        List<NewDelivery> queueing = new ArrayList<>(matches.size());
        // Pushes start before the deliveries are stored (their events are, and the stored cursor stays before
        // them until the dispatch below commits): the dispatch's round trips are not part of every push's
        // latency. Should the dispatch fail, the next round pushes these events again (at least once).
        List<Job> jobs = new ArrayList<>();
        for (NewDelivery m : matches) {
            Subscription s = bySubscription.get(m.subscriptionId());
            boolean ours = mine.containsEndpoint(s.request().endPoint());
            // pushed already while this process followed the events (before it took the dispatcher's lease)
            boolean pushing = !awaitingStore.isEmpty()
                    && awaitingStore.containsKey(Delivery.messageId(m.subscriptionId(), m.eventSequence()));
            if (ours && (pushing || roomInMemory && pushable.containsEndpoint(s.request().endPoint()))) {
                queueing.add(new NewDelivery(m.subscriptionId(), m.eventSequence(), m.eventId(), leased));
                if (!pushing) {
                    jobs.add(provisionalJob(s, m.eventSequence(), bySequence.get(m.eventSequence()), leased, now));
                }
            } else if (ours) {
                queueing.add(m);
                dueHere = true;
            } else {
                queueing.add(new NewDelivery(m.subscriptionId(), m.eventSequence(), m.eventId(), handedOff));
                handedOver = true;
            }
        }
        Optional<List<Delivery>> queued;
        try {
            submit(jobs);
            queued = deliveries.dispatch(storedCursor, last, queueing, now);
        } catch (RuntimeException | Error e) {
            // whatever started ends with no record (its place in the lane freed); the next round pushes it again
            jobs.forEach(j -> j.queued().completeExceptionally(e));
            throw e;
        }
        if (queued.isEmpty()) {
            // another process dispatched meanwhile (what it matched, it pushes): continue from where it got to
            IllegalStateException elsewhere = new IllegalStateException("dispatched by another process");
            jobs.forEach(j -> j.queued().completeExceptionally(elsewhere));
            reloadCursor(now);
            return true;
        }
        storedCursor = cursor = last;
        storedAt = now;
        if (!queued.get().isEmpty()) {
            if (dueHere) {
                scheduleSignal.raise();
            }
            if (handedOver) {
                signals.announce(ChangeSignals.Change.DISPATCHED);
            }
        }
        if (!jobs.isEmpty()) {
            Map<String, Delivery> stored = new HashMap<>();
            for (Delivery d : queued.get()) {
                stored.put(d.messageId(), d);
            }
            for (Job job : jobs) {
                Delivery d = stored.get(job.delivery().messageId());
                if (d == null) {
                    // not queued by this dispatch: its subscription was deleted meanwhile, or it was queued before
                    job.queued().completeExceptionally(new IllegalStateException("not queued"));
                    continue;
                }
                held.put(d.messageId(), now);
                job.queued().complete(d);
            }
        }
        return more;
    }

    // ------------------------------------------------------------------ follow

    /**
     * While another process dispatches: pushes from memory the deliveries of the next batch of events to endpoints of
     * this process's partitions (those it has room for), which the dispatcher stores meanwhile, and records the
     * outcomes of earlier pushes whose deliveries it has stored. Skips events it finds the dispatcher had stored at a
     * look at its cursor a quarter of the {@link #HANDOFF} ago (it looks every quarter), so that it never pushes one
     * stored half the hand-off ago or longer: this process's scheduler may have claimed and attempted those. Returns
     * whether there may be more events to follow right away.
     */
    private boolean followOnce(Instant now) {
        EndpointPartitions mine = pushing(now);
        if (!index.partitions().overlaps(mine)) {
            // no active subscription to an endpoint of this process's partitions: nothing to push
            followed = -1;
            findStoredIfAwaiting(now);
            return false;
        }
        // Each read only when there is something to read (signals) or its fallback interval has passed: this runs
        // on every delivering process at every publish, and each query costs them all.
        boolean sampleDue = !now.isBefore(storedMarkAt.plus(HANDOFF.dividedBy(4)));
        if (followed < 0 || sampleDue || !awaitingStore.isEmpty() && (dispatchedHeard
                || !now.isBefore(cursorReadAt.plusMillis(STORED_CHECK_MILLIS)))) {
            dispatchedHeard = false;
            cursorReadAt = now;
            long stored = deliveries.dispatchCursor();
            findStored(stored, now);
            if (followed < 0) {
                followed = stored;
                catchUp = true;
                scheduleSignal.raise();
            }
            if (sampleDue) {
                if (followed < storedMark) {
                    LOG.debug("following: skipped to {}, stored {} ago or longer", storedMark, HANDOFF.dividedBy(4));
                    followed = storedMark;
                }
                storedMark = stored;
                storedMarkAt = now;
            }
        }
        if (!eventsHeard && !followMore && now.isBefore(eventsReadAt.plus(STANDBY_CHECK))) {
            return false;
        }
        eventsHeard = false;
        eventsReadAt = now;
        // No index refresh first (as the dispatcher does): a subscription this process does not know yet has its
        // deliveries stored by the dispatcher all the same, and claimed here after the hand-off time.
        List<StoredEvent> batch = events.readAll(followed, DISPATCH_BATCH);
        followMore = batch.size() == DISPATCH_BATCH;
        if (batch.isEmpty()) {
            return false;
        }
        followed = batch.get(batch.size() - 1).sequence();
        submit(followingJobs(batch, mine, now));
        return followMore;
    }

    /**
     * The pushes of {@code batch} to endpoints of {@code mine} that this process does not hold yet, each put in
     * {@link #awaitingStore}, while there is room in memory (the rest are claimed here after the hand-off time).
     */
    private List<Job> followingJobs(List<StoredEvent> batch, EndpointPartitions mine, Instant now) {
        Instant handedOff = now.plus(HANDOFF);
        List<Job> jobs = new ArrayList<>();
        for (StoredEvent e : batch) {
            for (SubscriptionIndex.Entry entry : index.matching(e.event())) {
                if (inMemory() >= settings.maxInMemory()) {
                    return jobs;
                }
                Subscription s = entry.subscription();
                if (!mine.containsEndpoint(s.request().endPoint())) {
                    continue;
                }
                Job job = provisionalJob(s, e.sequence(), e.event(), handedOff, now);
                String messageId = job.delivery().messageId();
                if (!inMemory(messageId)) {
                    awaitingStore.put(messageId, job);
                    jobs.add(job);
                }
            }
        }
        return jobs;
    }

    /** A push from memory of a delivery not stored yet (see {@link Job}), due at {@code dueAt} once stored. */
    private static Job provisionalJob(Subscription s, long sequence, CloudEvent event, Instant dueAt, Instant now) {
        Delivery provisional = new Delivery(0, s.id(), sequence, event.id(), 0, DeliveryStatus.PENDING, dueAt, now);
        return new Job(provisional, event, s, URI.create(s.request().endPoint()), new CompletableFuture<>());
    }

    private void findStoredIfAwaiting(Instant now) {
        if (!awaitingStore.isEmpty()) {
            findStored(deliveries.dispatchCursor(), now);
        }
    }

    /**
     * Completes the pushes waiting for their stored delivery of events up to {@code stored}, the dispatch cursor:
     * with the delivery when the dispatcher stored it, else (its subscription was deleted meanwhile, or the
     * dispatcher did not match it) exceptionally: not recorded.
     */
    private void findStored(long stored, Instant now) {
        List<Job> ready = awaitingStore.values().stream().filter(j -> j.delivery().eventSequence() <= stored).toList();
        if (ready.isEmpty()) {
            return;
        }
        Map<String, Delivery> found = new HashMap<>();
        for (int i = 0; i < ready.size(); i += CLAIM_BATCH) {
            List<Job> some = ready.subList(i, Math.min(ready.size(), i + CLAIM_BATCH));
            for (Delivery d : deliveries.pending(some.stream().map(j -> DeliveryStore.Key.of(j.delivery())).toList())) {
                found.put(d.messageId(), d);
            }
        }
        IllegalStateException notStored = new IllegalStateException("not stored by the dispatcher");
        for (Job job : ready) {
            String messageId = job.delivery().messageId();
            Delivery d = found.get(messageId);
            if (d != null) {
                // into held before out of awaitingStore: the scheduler always finds it in one of them
                held.put(messageId, now);
            }
            awaitingStore.remove(messageId);
            if (d != null) {
                job.queued().complete(d);
            } else {
                job.queued().completeExceptionally(notStored);
            }
        }
    }

    /** At close: records what the dispatcher has stored of this process's pushes; the rest are left to their lease. */
    private void settleAwaitingStore() {
        try {
            findStoredIfAwaiting(clock.instant());
        } catch (RuntimeException e) {
            LOG.debug("could not find the stored deliveries of pushes at shutdown: {}", e.toString());
        }
        IllegalStateException closing = new IllegalStateException("closed");
        for (Job job : awaitingStore.values()) {
            awaitingStore.remove(job.delivery().messageId());
            job.queued().completeExceptionally(closing);
        }
    }

    /** Deliveries held in memory or waiting to be found in the store after their push. */
    private int inMemory() {
        return held.size() + awaitingStore.size();
    }

    private boolean inMemory(String messageId) {
        return held.containsKey(messageId) || awaitingStore.containsKey(messageId);
    }

    /**
     * With no active subscription, no event can match: moves the cursor past every stored event without reading
     * them (a server only polled pays nothing per event here). Returns false, having done nothing, when a
     * subscription turned out to be active after all.
     */
    private boolean passWithoutReading(Instant now) {
        long last = events.lastSequence();
        // After the read, as for a batch: a subscription active before one of those events committed is seen.
        index.refreshIfStale();
        if (index.size() > 0) {
            return false;
        }
        if (last > cursor) {
            cursor = last;
        }
        checkpointIfDue(now);
        return true;
    }

    /**
     * Whether this process may dispatch: one process at a time does (see {@link DeliveryStore#leaseDispatch}),
     * the others follow the events and take over once its lease runs out.
     */
    private boolean holdsDispatchLease(Instant now) {
        if (now.isBefore(leaseCheckAt)) {
            return leading;
        }
        boolean was = leading;
        leading = deliveries.leaseDispatch(node, now, now.plus(DISPATCH_LEASE));
        if (leading) {
            leaseUntil = now.plus(DISPATCH_LEASE);
        }
        leaseCheckAt = now.plus(leading ? DISPATCH_LEASE.dividedBy(3) : STANDBY_CHECK);
        if (leading != was) {
            LOG.info(leading ? "this process dispatches new events now"
                    : "another process dispatches new events; this one follows them");
            // Whoever dispatched meanwhile moved the cursor.
            storedCursor = -1;
            followed = -1;
        }
        return leading;
    }

    private void reloadCursor(Instant now) {
        storedCursor = cursor = deliveries.dispatchCursor();
        storedAt = now;
    }

    /** Writes the cursor past events nothing matched, once {@link #CHECKPOINT} has passed since it was last stored. */
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

    // ------------------------------------------------------------------ schedule

    private void scheduleLoop() {
        while (running) {
            try {
                // Raised meanwhile (deliveries became due here): look again at once, without asking when the next is due.
                if (!scheduleOnce() && !scheduleSignal.lower()) {
                    scheduleSignal.await(untilNextDueMillis());
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("scheduling deliveries failed; retrying in a second: {}", e.toString());
                sleepQuietly(1000);
            }
        }
    }

    private long untilNextDueMillis() {
        if (inMemory() >= settings.maxInMemory()) {
            return 50;
        }
        EndpointPartitions mine = ownership(clock.instant());
        if (mine.isEmpty()) {
            return MAX_SCHEDULER_SLEEP_MILLIS;
        }
        Optional<Instant> next = deliveries.nextDue(mine);
        if (next.isEmpty()) {
            return MAX_SCHEDULER_SLEEP_MILLIS;
        }
        long millis = Duration.between(clock.instant(), next.get()).toMillis();
        return Math.max(1, Math.min(MAX_SCHEDULER_SLEEP_MILLIS, millis));
    }

    /** Claims due deliveries and starts attempting them. Returns whether more may be due right away. */
    boolean scheduleOnce() {
        int room = settings.maxInMemory() - inMemory();
        if (room <= 0) {
            return false;
        }
        Instant now = clock.instant();
        EndpointPartitions mine = ownership(now);
        if (mine.isEmpty()) {
            return false;
        }
        int limit = Math.min(room, CLAIM_BATCH);
        // Catching up: also what the dispatcher stored for this process before it followed, due within the hand-off.
        Instant dueBy = catchUp ? now.plus(HANDOFF) : now;
        catchUp = false;
        List<Delivery> claimed = deliveries.claimDue(dueBy, limit, now.plus(settings.lease()), mine);
        List<Delivery> fresh = new ArrayList<>();
        Instant lost = now.minus(settings.lease().multipliedBy(2));
        for (Delivery d : claimed) {
            if (awaitingStore.containsKey(d.messageId())) {
                continue; // pushed while following; found in the store at the dispatcher's signal
            }
            Instant since = held.putIfAbsent(d.messageId(), now);
            if (since == null) {
                fresh.add(d);
            } else if (since.isBefore(lost)) {
                LOG.warn("delivery {} was held since {} without an outcome; attempting it again", d.id(), since);
                held.put(d.messageId(), now);
                fresh.add(d);
            }
        }
        List<Long> sequences = fresh.stream().filter(d -> !d.isValidation()).map(Delivery::eventSequence).distinct()
                .toList();
        Map<Long, CloudEvent> bySequence = new HashMap<>();
        for (StoredEvent e : events.get(sequences)) {
            bySequence.put(e.sequence(), e.event());
        }
        List<Job> jobs = new ArrayList<>();
        for (Delivery d : fresh) {
            Optional<Subscription> subscription = d.isValidation()
                    ? subscriptions.get(d.subscriptionId()).filter(s -> s.status() == SubscriptionStatus.PENDING)
                    : activeSubscription(d.subscriptionId());
            CloudEvent event = d.isValidation()
                    ? subscription.map(s -> s.validationEvent(settings.baseUrl().get())).orElse(null)
                    : bySequence.get(d.eventSequence());
            if (subscription.isEmpty() || event == null) {
                end(d, DeliveryStatus.CANCELLED);
                continue;
            }
            jobs.add(new Job(d, event, subscription.get(), URI.create(subscription.get().request().endPoint())));
        }
        submit(jobs);
        // Claimed deliveries this process already holds (queued behind a busy endpoint past their lease) have
        // just had their lease renewed; they are no reason to look again at once.
        return !fresh.isEmpty() && claimed.size() == limit;
    }

    private Optional<Subscription> activeSubscription(UUID id) {
        Optional<SubscriptionIndex.Entry> entry = index.get(id);
        if (entry.isPresent()) {
            return Optional.of(entry.get().subscription());
        }
        // not in this process's index: maybe deleted or disabled, maybe created by another process a moment ago
        return subscriptions.get(id).filter(Subscription::isActive);
    }

    // ------------------------------------------------------------------ attempts

    /** Authorizes the jobs (one call for all) and puts the permitted ones in their endpoint's lane. */
    private void submit(List<Job> jobs) {
        if (jobs.isEmpty()) {
            return;
        }
        List<Job> toAuthorize = jobs.stream().filter(j -> !j.delivery().isValidation()).toList();
        List<Boolean> decisions;
        try {
            decisions = toAuthorize.isEmpty() ? List.of() : authorizer.decide(toAuthorize.stream()
                    .map(j -> AccessRequest.forEvent(consumer(j.subscription()), Action.SUBSCRIBE, j.event()))
                    .toList());
        } catch (RuntimeException e) {
            // no answer is no permission to send now; the deliveries come back after their lease
            LOG.warn("authorizing {} deliveries failed; retrying later: {}", toAuthorize.size(), e.toString());
            jobs.forEach(j -> j.queued().thenAccept(d -> held.remove(d.messageId())));
            return;
        }
        int i = 0;
        for (Job job : jobs) {
            if (!job.delivery().isValidation() && !Boolean.TRUE.equals(decisions.get(i++))) {
                job.queued().thenAcceptAsync(d -> end(d, DeliveryStatus.DENIED), outcomes);
                continue;
            }
            lanes.computeIfAbsent(job.subscription().request().endPoint(),
                    e -> new EndpointLane<>(settings.maxConcurrencyPerEndpoint(), this::attempt)).submit(job);
        }
    }

    private static Caller consumer(Subscription s) {
        return new Caller(s.consumer(), Set.of(), Map.of());
    }

    private void attempt(Job job) {
        if (job.queued().isCompletedExceptionally()) {
            // its dispatch failed while it waited in the lane: the next dispatch round pushes it
            afterAttempt(job, d -> { });
            return;
        }
        Instant started = clock.instant();
        if (!ownedAsOf(started).containsEndpoint(job.subscription().request().endPoint())) {
            // its partition went to another process while it waited: left to its lease, then to the new owner
            afterAttempt(job, d -> held.remove(d.messageId()));
            return;
        }
        List<WebhookSecret> signing;
        try {
            if (!job.delivery().isValidation() && activeSubscription(job.subscription().id()).isEmpty()) {
                // deleted or disabled while the delivery waited in its lane
                afterAttempt(job, d -> end(d, DeliveryStatus.CANCELLED));
                return;
            }
            signing = secretsOf(job.subscription().id(), started);
        } catch (RuntimeException e) {
            LOG.warn("delivery {}: could not read the subscription; retrying later: {}", job.delivery().messageId(),
                    e.toString());
            afterAttempt(job, d -> held.remove(d.messageId()));
            return;
        }
        if (signing.isEmpty()) {
            // the subscription is gone
            afterAttempt(job, d -> end(d, DeliveryStatus.CANCELLED));
            return;
        }
        WebhookMessage message = new WebhookMessage(job.endpoint(), job.delivery().messageId(), started, job.event(),
                signing);
        sender.send(message).whenComplete((response, failure) -> {
            WebhookResponse r = response != null ? response
                    : WebhookResponse.failed("sender failed: " + failure, Duration.between(started, clock.instant()));
            afterAttempt(job, d -> record(job, d, started, r));
        });
    }

    /**
     * Frees the job's place in its lane and runs {@code then} with its stored delivery, on the outcome threads,
     * once the delivery is stored; if it never was (see {@link Job}), only frees the place.
     */
    private void afterAttempt(Job job, Consumer<Delivery> then) {
        job.queued().whenCompleteAsync((stored, failure) -> {
            lane(job).done();
            if (stored != null) {
                then.accept(stored);
            }
        }, outcomes);
    }

    private EndpointLane<Job> lane(Job job) {
        return lanes.get(job.subscription().request().endPoint());
    }

    private List<WebhookSecret> secretsOf(UUID subscriptionId, Instant now) {
        CachedSecrets cached = secrets.get(subscriptionId);
        if (cached != null && now.isBefore(cached.until())) {
            return cached.secrets();
        }
        List<WebhookSecret> fresh = subscriptions.secrets(subscriptionId, now);
        secrets.put(subscriptionId, new CachedSecrets(fresh, now.plus(SECRETS_TTL)));
        return fresh;
    }

    /** Works out the delivery's next state from the response and queues both for the recorder. */
    private void record(Job job, Delivery d, Instant started, WebhookResponse response) {
        try {
            Instant now = clock.instant();
            int attempt = d.attempts() + 1;
            Integer status = response.statusCode() == 0 ? null : response.statusCode();
            String error = response.error();
            if (status != null && error == null && !response.isSuccess()) {
                error = "HTTP " + status;
            }
            DeliveryAttempt logged = new DeliveryAttempt(0, d.subscriptionId(), d.id(), d.eventId(), attempt, started,
                    status, error, response.duration().toMillis());
            AttemptRecord next;
            Runnable then = null;
            if (response.isSuccess()) {
                next = new AttemptRecord(logged, DeliveryStatus.DELIVERED, null);
                if (d.isValidation()) {
                    then = () -> activate(job.subscription(), now);
                }
            } else if (response.statusCode() == 410) {
                next = new AttemptRecord(logged, DeliveryStatus.CANCELLED, null);
                then = () -> disable(job.subscription());
            } else {
                Duration retryAfter = response.statusCode() == 429 || response.statusCode() == 503
                        ? response.retryAfter() : null;
                Optional<Duration> wait = settings.schedule().delayAfter(attempt, retryAfter, random);
                next = wait.isPresent() ? new AttemptRecord(logged, DeliveryStatus.PENDING, now.plus(wait.get()))
                        : new AttemptRecord(logged, DeliveryStatus.DEAD, null);
            }
            recorded.add(new Outcome(d, next, then));
        } catch (RuntimeException e) {
            LOG.warn("delivery {}: could not work out the outcome of attempt: {}", d.id(), e.toString());
            held.remove(d.messageId());
        }
    }

    /** An attempt to record, and what to do once it is recorded. */
    private record Outcome(Delivery delivery, AttemptRecord record, Runnable then) {
    }

    /**
     * Records outcomes in groups (one transaction for all that arrived while the previous group was being
     * written), then applies their consequences. A group that cannot be recorded is left to the leases: its
     * deliveries are attempted again (at least once).
     */
    private void recordLoop() {
        List<Outcome> group = new ArrayList<>();
        while (recording || !recorded.isEmpty()) {
            try {
                Outcome first = recorded.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                gather(group);
                recordGroup(group);
            } catch (InterruptedException e) {
                // nothing interrupts the recorder on purpose; write what was gathered all the same
                recorded.drainTo(group);
                recordGroup(group);
                if (!recording) {
                    return;
                }
            } finally {
                group.clear();
            }
        }
    }

    /**
     * Adds the outcomes that arrive within {@link #RECORD_LINGER} of the first (or until the group is full): under a
     * light load, one transaction per linger instead of one per attempt, so that recording competes less with
     * publishing and dispatching for the database (on H2 every commit writes out the pages it changed).
     */
    private void gather(List<Outcome> group) throws InterruptedException {
        long until = System.nanoTime() + RECORD_LINGER.toNanos();
        recorded.drainTo(group, MAX_RECORD_GROUP - group.size());
        while (group.size() < MAX_RECORD_GROUP && recording) {
            long left = until - System.nanoTime();
            Outcome next = left > 0 ? recorded.poll(left, TimeUnit.NANOSECONDS) : null;
            if (next == null) {
                return;
            }
            group.add(next);
            recorded.drainTo(group, MAX_RECORD_GROUP - group.size());
        }
    }

    private void recordGroup(List<Outcome> group) {
        if (group.isEmpty()) {
            return;
        }
        try {
            deliveries.recordAttempts(group.stream().map(Outcome::record).toList());
            for (Outcome o : group) {
                if (o.record().status() == DeliveryStatus.DEAD) {
                    LOG.info("delivery {} of event {} to subscription {} dead-lettered after {} attempts",
                            o.delivery().id(), o.delivery().eventId(), o.delivery().subscriptionId(),
                            o.record().attempt().attempt());
                }
                if (o.then() != null) {
                    try {
                        o.then().run();
                    } catch (RuntimeException e) {
                        LOG.warn("subscription {}: could not apply the outcome of delivery {}: {}",
                                o.delivery().subscriptionId(), o.delivery().id(), e.toString());
                    }
                }
            }
        } catch (RuntimeException e) {
            // not recorded: these deliveries are attempted again once their leases end (at least once)
            LOG.warn("could not record {} delivery attempts: {}", group.size(), e.toString());
        } finally {
            group.forEach(o -> held.remove(o.delivery().messageId()));
        }
    }

    private void activate(Subscription subscription, Instant now) {
        if (subscriptions.setStatus(subscription.id(), SubscriptionStatus.ACTIVE, now)) {
            index.put(subscription.withStatus(SubscriptionStatus.ACTIVE, now));
            signals.announce(ChangeSignals.Change.SUBSCRIPTIONS);
            LOG.info("subscription {} validated: its endpoint answered", subscription.id());
        }
    }

    private void disable(Subscription subscription) {
        subscriptions.setStatus(subscription.id(), SubscriptionStatus.DISABLED, subscription.validated());
        index.remove(subscription.id());
        signals.announce(ChangeSignals.Change.SUBSCRIPTIONS);
        int cancelled = deliveries.cancelPending(subscription.id());
        LOG.info("subscription {} disabled: its endpoint answered 410 Gone ({} pending deliveries cancelled)",
                subscription.id(), cancelled);
    }

    private void end(Delivery d, DeliveryStatus status) {
        try {
            deliveries.finish(d.id(), status);
        } catch (RuntimeException e) {
            LOG.warn("delivery {}: could not mark it {}: {}", d.id(), status.wireName(), e.toString());
        } finally {
            held.remove(d.messageId());
        }
    }

    /** How far this process has dispatched (-1 before its first round). */
    long dispatched() {
        return cursor;
    }

    /** Deliveries held in memory right now (queued in lanes or being attempted). */
    int held() {
        return inMemory();
    }

    // ------------------------------------------------------------------ threads

    private Thread worker(String name, Runnable body) {
        Thread t = daemon(name).newThread(body);
        t.start();
        return t;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        return r -> {
            Thread t = new Thread(r, n.getAndIncrement() == 0 ? name : name + "-" + n.get());
            t.setDaemon(true);
            return t;
        };
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
