package events.core.delivery;

import events.domain.Delivery;
import events.domain.EndpointPartitions;
import events.domain.RetrySchedule;
import events.domain.Subscription;
import events.domain.SubscriptionStatus;
import events.ports.Authorizer;
import events.ports.ChangeSignals;
import events.ports.DeliveryStore;
import events.ports.EventStore;
import events.ports.FilterExpressions;
import events.ports.SubscriptionStore;
import events.ports.WebhookSender;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes every acknowledged event to every matching active subscription, at least once. Its parts, each with one
 * job: the {@link Dispatcher} queues deliveries for new events to this process's endpoints and pushes them; the
 * {@link Scheduler} claims those due (retries, redrives, and those it had no room for); the {@link
 * Pusher} attempts them, endpoint by endpoint; the {@link OutcomeRecorder} records what came of them; {@link
 * NodeMembership} says which endpoints this process delivers to; {@link InFlight} bounds what it holds in memory.
 * This class starts and stops them and passes on what the rest of the engine tells it. Not an API: built by
 * {@code events.core.Events}.
 */
public final class DeliveryEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryEngine.class);
    /** How often the subscription index checks for changes made by other processes. */
    static final long REFRESH_MILLIS = 250;
    /**
     * How many deliveries one endpoint may hold in memory, as a multiple of its concurrency (and at most an eighth of
     * all): enough that the dispatcher's batches to a busy endpoint mostly go straight to its lane, not through the
     * store and a claim (at 8, one subscription on PostgreSQL took 2 992 deliveries/s against 4 212 before).
     */
    static final int PER_ENDPOINT = 64;
    /**
     * Threads that prepare attempts (the checks and reads before each send, which wait for the store on a cache
     * miss); the sends themselves do not hold them.
     */
    static final int ATTEMPT_THREADS = 16;
    /** How long an attempt counts against its host's {@link Settings#maxConcurrencyPerHost}. */
    static final Duration HOST_AGE = Duration.ofSeconds(1);
    /** How long closing waits for attempts in flight to end. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    /**
     * The engine's settings.
     *
     * @param lease how long a delivery stays with the process attempting it (longer than an attempt can take)
     * @param maxConcurrencyPerHost attempts that started less than {@link #HOST_AGE} ago in flight to one host at
     *        most (see {@link HostGate})
     * @param maxInMemory deliveries held in memory at most (queued in lanes or being attempted)
     * @param maxBytesInMemory bytes of their events at most
     */
    public record Settings(RetrySchedule schedule, Duration lease, int maxConcurrencyPerEndpoint,
            int maxConcurrencyPerHost, int maxInMemory, long maxBytesInMemory, Supplier<String> baseUrl,
            Duration pollInterval) {
        public Settings {
            Objects.requireNonNull(schedule, "schedule");
            Objects.requireNonNull(lease, "lease");
            Objects.requireNonNull(baseUrl, "baseUrl");
            Objects.requireNonNull(pollInterval, "pollInterval");
        }
    }

    private final SubscriptionStore subscriptions;
    private final DeliveryStore deliveries;
    private final SubscriptionIndex index;
    private final SubscriptionLookup lookup;
    private final ChangeSignals signals;
    private final Clock clock;
    private final Settings settings;
    private final InFlight inFlight;
    private final NodeMembership membership;
    private final OutcomeRecorder recorder;
    private final ExecutorService attempts;
    /** Reads secrets again in the background: one thread, so that a thousand stale copies never hold up attempts. */
    private final ExecutorService secretsReader;
    private final Pusher pusher;
    private final Scheduler scheduler;
    private final Dispatcher dispatcher;
    private final List<Thread> threads = new ArrayList<>();
    private volatile ScheduledExecutorService refresher;
    private volatile boolean running;

    public DeliveryEngine(EventStore events, SubscriptionStore subscriptions, DeliveryStore deliveries,
            WebhookSender sender, Authorizer authorizer, FilterExpressions expressions, Clock clock, Settings settings,
            ChangeSignals signals) {
        this(events, subscriptions, deliveries, sender, authorizer, new SubscriptionIndex(subscriptions, expressions),
                clock, settings, () -> ThreadLocalRandom.current().nextDouble(), signals);
    }

    DeliveryEngine(EventStore events, SubscriptionStore subscriptions, DeliveryStore deliveries, WebhookSender sender,
            Authorizer authorizer, SubscriptionIndex index, Clock clock, Settings settings, DoubleSupplier random,
            ChangeSignals signals) {
        this.subscriptions = subscriptions;
        this.deliveries = deliveries;
        this.index = index;
        this.attempts = Executors.newFixedThreadPool(ATTEMPT_THREADS, daemon("events-delivery-attempt"));
        this.secretsReader = Executors.newSingleThreadExecutor(daemon("events-secrets-reader"));
        this.lookup = new SubscriptionLookup(index, subscriptions, secretsReader, clock);
        this.signals = signals;
        this.clock = clock;
        this.settings = settings;
        int perEndpoint = Math.max(2,
                Math.min(settings.maxInMemory() / 8, PER_ENDPOINT * settings.maxConcurrencyPerEndpoint()));
        this.inFlight = new InFlight(settings.maxInMemory(), settings.maxBytesInMemory(), perEndpoint,
                this::scheduleNow);
        this.membership = new NodeMembership(deliveries, clock, this::partitionsGained);
        this.recorder = new OutcomeRecorder(deliveries, inFlight, settings.schedule(), random, clock, attempts,
                new OutcomeRecorder.Consequences() {
                    @Override
                    public void validated(Job job, Instant at) {
                        activate(job.subscription(), at);
                    }

                    @Override
                    public void gone(Job job) {
                        disable(job.subscription());
                    }
                });
        this.pusher = new Pusher(settings.maxConcurrencyPerEndpoint(),
                new HostGate(settings.maxConcurrencyPerHost(), HOST_AGE, attempts), attempts, membership, lookup,
                authorizer, sender, recorder, inFlight, clock);
        this.scheduler = new Scheduler(deliveries, events, index, lookup, membership, inFlight, pusher, recorder,
                clock, settings.lease(), settings.baseUrl());
        this.dispatcher = new Dispatcher(events, deliveries, index, membership, inFlight, pusher, scheduler, clock,
                settings.lease(), settings.pollInterval());
    }

    /** Loads the subscriptions, re-queues validations a crash may have lost, and starts the worker threads. */
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        index.refreshIfStale();
        requeueValidations();
        threads.add(thread("events-delivery-dispatcher", () -> dispatcher.run(() -> running)));
        threads.add(thread("events-delivery-scheduler", () -> scheduler.run(() -> running)));
        refresher = Executors.newSingleThreadScheduledExecutor(daemon("events-subscription-refresh"));
        refresher.scheduleWithFixedDelay(this::refresh, REFRESH_MILLIS, REFRESH_MILLIS, TimeUnit.MILLISECONDS);
        // Heartbeats on their own schedule: never held up by a busy or idle worker.
        refresher.scheduleWithFixedDelay(membership::heartbeatIfDue, 0, NodeMembership.HEARTBEAT.toMillis(),
                TimeUnit.MILLISECONDS);
        signals.listen(ChangeSignals.Change.EVENTS, dispatcher::wake);
        signals.listen(ChangeSignals.Change.SUBSCRIPTIONS, this::subscriptionsChangedElsewhere);
        signals.listen(ChangeSignals.Change.DELIVERIES, scheduler::wake);
    }

    /**
     * Stops: no new attempts start; attempts in flight get {@link #CLOSE_WAIT} to end, and their outcomes are
     * recorded (any that do not end are attempted again after their lease); then the others take this process's
     * endpoints over at once.
     */
    @Override
    public synchronized void close() {
        running = false;
        if (refresher != null) {
            refresher.shutdownNow();
        }
        // Signals, not interrupts: an interrupt during database I/O can make an embedded H2 close its file.
        dispatcher.stop();
        scheduler.wake();
        for (Thread t : threads) {
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        threads.clear();
        int unfinished = pusher.close(CLOSE_WAIT);
        if (unfinished > 0) {
            LOG.info("{} attempts still in flight at shutdown: attempted again after their lease", unfinished);
        }
        attempts.shutdown();
        secretsReader.shutdown();
        recorder.close();
        membership.leave();
    }

    /** Something made room: the scheduler looks now. */
    private void scheduleNow() {
        scheduler.wake();
    }

    /** Partitions were gained: what is due in them, and their new events, are this process's now. */
    private void partitionsGained() {
        scheduler.wake();
        dispatcher.wake();
    }

    /** New events were stored here: dispatch them now. */
    public void wake() {
        dispatcher.wake();
    }

    /** Whether this process delivers to every endpoint: then new events stored here need no signal to others. */
    public boolean deliversAlone() {
        return running && membership.owned(clock.instant()).isAll();
    }

    /** Deliveries became due (redrive): look now, here and in the other processes (they may own them). */
    public void wakeScheduler() {
        scheduler.wake();
        signals.announce(ChangeSignals.Change.DELIVERIES);
    }

    /** The endpoint partitions this process delivers to now. */
    public EndpointPartitions owned() {
        return membership.owned(clock.instant());
    }

    /** A subscription was created through this process: validate its endpoint now. */
    public void subscriptionCreated(Subscription subscription) {
        Instant now = clock.instant();
        String endpoint = subscription.request().endPoint();
        String messageId = Delivery.messageId(subscription.id(), Delivery.VALIDATION);
        var validation = subscription.validationEvent(settings.baseUrl().get());
        if (!membership.ownership(now).containsEndpoint(endpoint)
                || !inFlight.hold(messageId, endpoint, Job.sizeOf(validation))) {
            // for the endpoint's owner (maybe this process, once it has room) to claim
            if (deliveries.queueValidation(subscription.id(), now).isPresent()) {
                wakeScheduler();
            }
            return;
        }
        Optional<Delivery> queued = Optional.empty();
        try {
            queued = deliveries.queueValidation(subscription.id(), now.plus(settings.lease()));
        } finally {
            if (queued.isPresent()) {
                pusher.push(Job.of(queued.get(), validation, subscription));
            } else {
                inFlight.release(messageId); // queued before, or failed: re-queued at start, claimed when due
            }
        }
    }

    public void subscriptionDeleted(UUID id) {
        index.remove(id);
        lookup.forgetSecrets(id);
        signals.announce(ChangeSignals.Change.SUBSCRIPTIONS);
    }

    public void secretRotated(UUID id) {
        lookup.forgetSecrets(id);
        signals.announce(ChangeSignals.Change.SUBSCRIPTIONS);
    }

    // ------------------------------------------------------------------ for tests

    boolean dispatchOnce() {
        return dispatcher.dispatchOnce();
    }

    boolean scheduleOnce() {
        return scheduler.scheduleOnce();
    }

    void heartbeatIfDue() {
        membership.heartbeatIfDue();
    }

    long dispatched() {
        return dispatcher.dispatched();
    }

    /** Deliveries held in memory right now. */
    int held() {
        return inFlight.size();
    }

    /** Bytes of events held in memory right now. */
    long heldBytes() {
        return inFlight.bytes();
    }

    // ------------------------------------------------------------------ subscription changes

    private void activate(Subscription subscription, Instant now) {
        if (subscriptions.setStatus(subscription.id(), SubscriptionStatus.ACTIVE, now)) {
            index.put(subscription.withStatus(SubscriptionStatus.ACTIVE, now));
            dispatcher.subscriptionsActive();
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

    /** Another process changed subscriptions (or their secrets): read them now rather than at the next poll. */
    private void subscriptionsChangedElsewhere() {
        lookup.forgetAllSecrets();
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
            if (index.hasEndpointIn(membership.owned(clock.instant()))) {
                dispatcher.subscriptionsActive();
            }
        } catch (RuntimeException e) {
            LOG.warn("could not refresh the subscriptions: {}", e.toString());
        }
    }

    private static Thread thread(String name, Runnable body) {
        Thread t = daemon(name).newThread(body);
        t.start();
        return t;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, n.getAndIncrement() == 0 ? name : name + "-" + n.get());
            t.setDaemon(true);
            return t;
        };
    }
}
