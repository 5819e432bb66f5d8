package events.core.delivery;

import events.domain.Delivery;
import events.domain.DeliveryAttempt;
import events.domain.DeliveryStatus;
import events.domain.RetrySchedule;
import events.ports.DeliveryQueue.AttemptRecord;
import events.ports.DeliveryQueue;
import events.ports.WebhookSender.WebhookResponse;
import events.support.GroupCommit;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records what became of each delivery: the outcome of an attempt with the delivery's next state (delivered, retry
 * at a time from the {@link RetrySchedule}, at least the endpoint's {@code Retry-After} on 429 and 503,
 * dead-lettered, or cancelled on 410 Gone), in groups; or its end without an attempt (denied, cancelled). Then lets
 * go of it in {@link InFlight}. An outcome that cannot be recorded is left to the delivery's lease: it is attempted
 * again (at least once).
 */
final class OutcomeRecorder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OutcomeRecorder.class);
    /** Outcomes recorded in one transaction at most. */
    private static final int MAX_GROUP = 500;
    /** How long outcomes gather before they are written. */
    static final Duration LINGER = Duration.ofMillis(25);
    /** How long {@link #close} waits for the outcomes left to be written. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    /** What an attempt's outcome does to its subscription once recorded. */
    interface Consequences {
        /** The validation of {@code job}'s subscription succeeded. */
        void validated(Job job, Instant at);

        /** {@code job}'s endpoint answered 410 Gone. */
        void gone(Job job);
    }

    private record Outcome(Job job, Delivery delivery, AttemptRecord record, Instant at) {
    }

    private final DeliveryQueue store;
    private final InFlight inFlight;
    private final RetrySchedule schedule;
    private final DoubleSupplier random;
    private final Clock clock;
    private final Consequences consequences;
    private final GroupCommit<Outcome> writer;
    /** Where an end without an attempt is written when its delivery was still being stored. */
    private final Executor later;

    OutcomeRecorder(DeliveryQueue store, InFlight inFlight, RetrySchedule schedule, DoubleSupplier random,
            Clock clock, Executor later, Consequences consequences) {
        this.store = store;
        this.inFlight = inFlight;
        this.schedule = schedule;
        this.random = random;
        this.clock = clock;
        this.consequences = consequences;
        this.later = later;
        this.writer = GroupCommit.<Outcome>builder("events-delivery-recorder", this::write)
                .limit(outcome -> 1, MAX_GROUP)
                .linger(LINGER, outcome -> 1, MAX_GROUP)
                .start();
    }

    /**
     * Records the attempt of {@code job} that started at {@code started} and got {@code response}, once the job's
     * delivery is stored (at once, but for a job pushed while it was being stored). Lets go of a job whose delivery
     * was not its dispatch's to queue, without recording anything.
     */
    void attempted(Job job, Instant started, WebhookResponse response) {
        job.stored().thenAccept(d -> {
            if (d == null) {
                job.release(inFlight);
            } else {
                record(job, d, started, response);
            }
        }).exceptionally(e -> letGo(job, e));
    }

    /** After a failure to record or end a job (closing, or a fault): its delivery is left to its lease. */
    private Void letGo(Job job, Throwable failure) {
        LOG.warn("delivery {}: its outcome was not recorded; it is attempted again after its lease: {}",
                job.messageId(), failure.toString());
        job.release(inFlight);
        return null;
    }

    private void record(Job job, Delivery d, Instant started, WebhookResponse response) {
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
        if (response.isSuccess()) {
            next = new AttemptRecord(logged, DeliveryStatus.DELIVERED, null);
        } else if (response.statusCode() == 410) {
            next = new AttemptRecord(logged, DeliveryStatus.CANCELLED, null);
        } else {
            Duration retryAfter = response.statusCode() == 429 || response.statusCode() == 503
                    ? response.retryAfter() : null;
            Optional<Duration> wait = schedule.delayAfter(attempt, retryAfter, random);
            next = wait.isPresent() ? new AttemptRecord(logged, DeliveryStatus.PENDING, now.plus(wait.get()))
                    : new AttemptRecord(logged, DeliveryStatus.DEAD, null);
        }
        writer.add(new Outcome(job, d, next, now)); // refused once closed: the delivery's lease brings it back
    }

    /** Ends the job's delivery without an attempt (denied by policy, or cancelled), once stored, and lets go of it. */
    void ended(Job job, DeliveryStatus status) {
        if (job.stored().isDone()) {
            endedOnceStored(job, job.stored().getNow(null), status);
        } else {
            job.stored().thenAcceptAsync(d -> endedOnceStored(job, d, status), later)
                    .exceptionally(e -> letGo(job, e));
        }
    }

    private void endedOnceStored(Job job, Delivery d, DeliveryStatus status) {
        try {
            if (d != null) {
                finish(d, status);
            }
        } finally {
            job.release(inFlight);
        }
    }

    /** Ends a delivery that is not held (claimed, but its subscription or event is gone) without an attempt. */
    void ended(Delivery d, DeliveryStatus status) {
        try {
            finish(d, status);
        } finally {
            inFlight.release(d.messageId());
        }
    }

    private void finish(Delivery d, DeliveryStatus status) {
        try {
            store.finish(d.id(), status);
        } catch (RuntimeException e) {
            LOG.warn("delivery {}: could not mark it {}: {}", d.id(), status.wireName(), e.toString());
        }
    }

    private void write(List<Outcome> group) {
        try {
            store.recordAttempts(group.stream().map(Outcome::record).toList());
        } catch (RuntimeException e) {
            LOG.warn("could not record {} delivery attempts; they are attempted again after their lease: {}",
                    group.size(), e.toString());
            group.forEach(o -> o.job().release(inFlight));
            return;
        }
        for (Outcome o : group) {
            Delivery d = o.delivery();
            try {
                if (o.record().status() == DeliveryStatus.DEAD) {
                    LOG.info("delivery {} of event {} to subscription {} dead-lettered after {} attempts", d.id(),
                            d.eventId(), d.subscriptionId(), o.record().attempt().attempt());
                } else if (o.record().status() == DeliveryStatus.DELIVERED && d.isValidation()) {
                    consequences.validated(o.job(), o.at());
                } else if (o.record().status() == DeliveryStatus.CANCELLED) {
                    consequences.gone(o.job());
                }
            } catch (RuntimeException e) {
                LOG.warn("subscription {}: could not apply the outcome of delivery {}: {}", d.subscriptionId(),
                        d.id(), e.toString());
            } finally {
                o.job().release(inFlight);
            }
        }
    }

    @Override
    public void close() {
        writer.close(CLOSE_WAIT);
    }
}
