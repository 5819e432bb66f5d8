package events.core.delivery;

import events.domain.DeliveryStatus;
import events.domain.WebhookSecret;
import events.ports.AccessRequest;
import events.ports.Action;
import events.ports.Authorizer;
import events.ports.Caller;
import events.ports.WebhookSender.WebhookMessage;
import events.ports.WebhookSender.WebhookResponse;
import events.ports.WebhookSender;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Attempts held deliveries: each endpoint has its own {@link EndpointLane} (at most so many attempts at once, the
 * rest queued in order), so a slow endpoint holds back only itself. Just before sending, it checks that this process
 * still owns the endpoint's partition, that the subscription is still active, and that policy still grants the
 * subscriber the event (action {@code subscribe}; validations need no grant): a grant revoked while a delivery
 * waited in its lane stops it ({@link DeliveryStatus#DENIED}). Every outcome goes to the {@link OutcomeRecorder}.
 */
final class Pusher {
    private static final Logger LOG = LoggerFactory.getLogger(Pusher.class);

    private final int maxConcurrencyPerEndpoint;
    private final Executor executor;
    private final NodeMembership membership;
    private final SubscriptionLookup subscriptions;
    private final Authorizer authorizer;
    private final WebhookSender sender;
    private final OutcomeRecorder recorder;
    private final InFlight inFlight;
    private final Clock clock;
    /** Told when an attempt ends: its endpoint may take more now. */
    private final Runnable attemptEnded;
    private final Map<String, EndpointLane<Job>> lanes = new ConcurrentHashMap<>();

    Pusher(int maxConcurrencyPerEndpoint, Executor executor, NodeMembership membership,
            SubscriptionLookup subscriptions, Authorizer authorizer, WebhookSender sender, OutcomeRecorder recorder,
            InFlight inFlight, Clock clock, Runnable attemptEnded) {
        this.maxConcurrencyPerEndpoint = maxConcurrencyPerEndpoint;
        this.executor = executor;
        this.membership = membership;
        this.subscriptions = subscriptions;
        this.authorizer = authorizer;
        this.sender = sender;
        this.recorder = recorder;
        this.inFlight = inFlight;
        this.clock = clock;
        this.attemptEnded = attemptEnded;
    }

    /** Queues a held delivery in its endpoint's lane. */
    void push(Job job) {
        lanes.computeIfAbsent(job.endpoint(), e -> new EndpointLane<>(maxConcurrencyPerEndpoint,
                j -> executor.execute(() -> attempt(j)))).submit(job);
    }

    private void attempt(Job job) {
        Instant started = clock.instant();
        inFlight.started(job.messageId(), started);
        boolean sent = false;
        try {
            sent = send(job, started);
        } catch (RuntimeException e) {
            LOG.warn("delivery {}: could not prepare the attempt; it is attempted again after its lease: {}",
                    job.messageId(), e.toString());
            inFlight.release(job.messageId());
        } finally {
            if (!sent) {
                ended(job);
            }
        }
    }

    /** Sends the job when it may still be sent, and returns whether it was; otherwise settles it. */
    private boolean send(Job job, Instant started) {
        if (!membership.owned(started).containsEndpoint(job.endpoint())) {
            // its partition went to another process while it waited: left to its lease, then to the new owner
            inFlight.release(job.messageId());
            return false;
        }
        if (!job.delivery().isValidation()) {
            if (subscriptions.active(job.subscription().id()).isEmpty()) {
                recorder.ended(job.delivery(), DeliveryStatus.CANCELLED); // deleted or disabled meanwhile
                return false;
            }
            if (!permitted(job)) {
                recorder.ended(job.delivery(), DeliveryStatus.DENIED);
                return false;
            }
        }
        List<WebhookSecret> signing = subscriptions.secrets(job.subscription().id(), started);
        if (signing.isEmpty()) {
            recorder.ended(job.delivery(), DeliveryStatus.CANCELLED); // the subscription is gone
            return false;
        }
        WebhookMessage message = new WebhookMessage(URI.create(job.endpoint()), job.messageId(), started, job.event(),
                signing);
        sender.send(message).whenComplete((response, failure) -> {
            ended(job);
            recorder.attempted(job, started, response != null ? response
                    : WebhookResponse.failed("sender failed: " + failure, Duration.between(started, clock.instant())));
        });
        return true;
    }

    private boolean permitted(Job job) {
        Caller subscriber = new Caller(job.subscription().consumer(), Set.of(), Map.of());
        return Boolean.TRUE.equals(authorizer.decide(List.of(
                AccessRequest.forEvent(subscriber, Action.SUBSCRIBE, job.event()))).get(0));
    }

    /** Frees the job's place in its lane (the next queued job starts) and says an attempt ended. */
    private void ended(Job job) {
        lanes.get(job.endpoint()).done();
        attemptEnded.run();
    }
}
