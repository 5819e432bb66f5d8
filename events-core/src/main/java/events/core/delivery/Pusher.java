package events.core.delivery;

import events.domain.DeliveryStatus;
import events.domain.WebhookSecret;
import events.ports.AccessRequest;
import events.ports.Action;
import events.ports.Authorizer;
import events.ports.Caller;
import events.ports.WebhookSender;
import events.ports.WebhookSender.WebhookMessage;
import events.ports.WebhookSender.WebhookResponse;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Attempts held deliveries: each endpoint has its own {@link EndpointLane} (at most so many attempts at once, the
 * rest queued in order), so a slow endpoint holds back only itself; the {@link HostGate} spreads bursts to one host
 * over a few connections. Just before sending, it checks that this process still owns the endpoint's partition,
 * that the subscription is still active, and that policy still grants the subscriber the event (action {@code
 * subscribe}; validations need no grant): a grant revoked while a delivery waited in its lane stops it ({@link
 * DeliveryStatus#DENIED}). Every outcome goes to the {@link OutcomeRecorder}.
 *
 * <p>It also keeps the attempts in flight: one that has not ended two leases after it started was lost by a fault in
 * this process; {@link #abandonLost} frees its place in the lane and lets go of its delivery, which is claimed again
 * once its lease is over (at least once). Whichever of the attempt's end and its abandonment comes first settles it.
 */
final class Pusher {
    private static final Logger LOG = LoggerFactory.getLogger(Pusher.class);

    /** An attempt in flight. */
    private record Attempt(Job job, Instant started) {
    }

    private final int maxConcurrencyPerEndpoint;
    private final HostGate gate;
    private final Executor executor;
    private final NodeMembership membership;
    private final SubscriptionLookup subscriptions;
    private final Authorizer authorizer;
    private final WebhookSender sender;
    private final OutcomeRecorder recorder;
    private final InFlight inFlight;
    private final Clock clock;
    private final Map<String, EndpointLane<Job>> lanes = new ConcurrentHashMap<>();
    private final Map<String, Attempt> attempts = new ConcurrentHashMap<>();
    private volatile boolean closing;

    Pusher(int maxConcurrencyPerEndpoint, HostGate gate, Executor executor, NodeMembership membership,
            SubscriptionLookup subscriptions, Authorizer authorizer, WebhookSender sender, OutcomeRecorder recorder,
            InFlight inFlight, Clock clock) {
        this.maxConcurrencyPerEndpoint = maxConcurrencyPerEndpoint;
        this.gate = gate;
        this.executor = executor;
        this.membership = membership;
        this.subscriptions = subscriptions;
        this.authorizer = authorizer;
        this.sender = sender;
        this.recorder = recorder;
        this.inFlight = inFlight;
        this.clock = clock;
    }

    /** Queues a held delivery in its endpoint's lane. */
    void push(Job job) {
        lanes.compute(job.endpoint(), (endpoint, lane) -> {
            EndpointLane<Job> l = lane != null ? lane : new EndpointLane<>(maxConcurrencyPerEndpoint, this::start);
            l.submit(job);
            return l;
        });
    }

    private void start(Job job) {
        try {
            executor.execute(() -> attempt(job));
        } catch (RejectedExecutionException e) {
            job.release(inFlight); // closing: left to its lease (the lane goes with this process)
        }
    }

    /** What became of a job taken from its lane. */
    private enum Taken { SENT, SETTLED, LEFT_TO_ITS_LEASE }

    private void attempt(Job job) {
        Instant started = clock.instant();
        Taken taken = Taken.LEFT_TO_ITS_LEASE;
        try {
            if (!closing) {
                taken = send(job, started);
            }
        } catch (RuntimeException e) {
            LOG.warn("delivery {}: could not prepare the attempt; it is attempted again after its lease: {}",
                    job.messageId(), e.toString());
        } finally {
            if (taken != Taken.SENT) {
                if (taken == Taken.LEFT_TO_ITS_LEASE) {
                    job.release(inFlight);
                }
                ended(job);
            }
        }
    }

    /** Sends the job when it may still be sent; otherwise settles it or leaves it to its lease. */
    private Taken send(Job job, Instant started) {
        if (!membership.owned(started).containsEndpoint(job.endpoint())) {
            return Taken.LEFT_TO_ITS_LEASE; // its partition went to another process while it waited
        }
        if (job.notOurs()) {
            return Taken.LEFT_TO_ITS_LEASE; // pushed while stored, and another dispatch had queued it: its to send
        }
        if (!job.isValidation()) {
            if (subscriptions.active(job.subscription().id()).isEmpty()) {
                recorder.ended(job, DeliveryStatus.CANCELLED); // deleted or disabled meanwhile
                return Taken.SETTLED;
            }
            if (!permitted(job)) {
                recorder.ended(job, DeliveryStatus.DENIED);
                return Taken.SETTLED;
            }
        }
        List<WebhookSecret> signing = subscriptions.secrets(job.subscription().id(), started);
        if (signing.isEmpty()) {
            recorder.ended(job, DeliveryStatus.CANCELLED); // the subscription is gone
            return Taken.SETTLED;
        }
        URI endpoint = URI.create(job.endpoint());
        gate.enter(HostGate.hostOf(endpoint), ticket -> transmit(job, endpoint, signing, ticket));
        return Taken.SENT;
    }

    /** Sends the job once its host let it through (on this thread or, after a wait, on the executor). */
    private void transmit(Job job, URI endpoint, List<WebhookSecret> signing, HostGate.Ticket ticket) {
        if (closing) {
            gate.ended(ticket);
            job.release(inFlight); // left to its lease
            ended(job);
            return;
        }
        Instant started = clock.instant();
        Attempt attempt = new Attempt(job, started);
        try {
            WebhookMessage message = new WebhookMessage(endpoint, job.messageId(), started, job.event(), signing);
            attempts.put(job.messageId(), attempt);
            sender.send(message).whenComplete((response, failure) -> {
                gate.ended(ticket);
                if (attempts.remove(job.messageId(), attempt)) {
                    Duration took = Duration.between(started, clock.instant());
                    recorder.attempted(job, started,
                            response != null ? response : WebhookResponse.failed("sender failed: " + failure, took));
                    ended(job);
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("delivery {}: could not send the attempt; it is attempted again after its lease: {}",
                    job.messageId(), e.toString());
            gate.ended(ticket);
            attempts.remove(job.messageId(), attempt);
            job.release(inFlight);
            ended(job);
        }
    }

    private boolean permitted(Job job) {
        Caller subscriber = new Caller(job.subscription().consumer(), Set.of(), Map.of());
        return Boolean.TRUE.equals(authorizer.decide(List.of(
                AccessRequest.forEvent(subscriber, Action.SUBSCRIBE, job.event()))).get(0));
    }

    /** Frees the job's place in its lane (the next queued job starts); an idle lane is dropped. */
    private void ended(Job job) {
        lanes.computeIfPresent(job.endpoint(), (endpoint, lane) -> lane.done() ? null : lane);
    }

    /** Abandons the attempts started before {@code before} that have not ended (see the class comment). */
    void abandonLost(Instant before) {
        for (Attempt a : attempts.values()) {
            if (a.started().isBefore(before) && attempts.remove(a.job().messageId(), a)) {
                LOG.warn("delivery {}: its attempt started at {} never ended; attempting it again after its lease",
                        a.job().messageId(), a.started());
                a.job().release(inFlight);
                ended(a.job());
            }
        }
    }

    /**
     * Starts no more attempts (those queued are left to their lease) and waits at most {@code wait} for those in
     * flight to end. Returns how many had not.
     */
    int close(Duration wait) {
        closing = true;
        gate.close(); // those waiting for their host are left to their lease
        long deadline = System.nanoTime() + wait.toNanos();
        while (!attempts.isEmpty() && System.nanoTime() < deadline) {
            Signal.sleep(10);
        }
        return attempts.size();
    }
}
