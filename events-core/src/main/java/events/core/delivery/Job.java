package events.core.delivery;

import events.domain.CloudEvent;
import events.domain.Delivery;
import events.domain.EventData;
import events.domain.Subscription;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A delivery to attempt, with its event and subscription. Most are stored before they are pushed; a dispatch may push
 * one while it is being stored ({@link #whileStoring}). {@link #stored} completes with the delivery as stored, or
 * with null when it turned out not to be this dispatch's to queue (queued before, by another process or an earlier
 * dispatch of the same events; or the store failed): its outcome is then not this process's to record. It never
 * completes exceptionally.
 */
record Job(long eventSequence, CloudEvent event, Subscription subscription, CompletableFuture<Delivery> stored,
        AtomicBoolean released) {

    /** A delivery already stored. */
    static Job of(Delivery delivery, CloudEvent event, Subscription subscription) {
        return new Job(delivery.eventSequence(), event, subscription, CompletableFuture.completedFuture(delivery),
                new AtomicBoolean());
    }

    /** A delivery pushed while it is being stored: complete {@link #stored} once the store has answered. */
    static Job whileStoring(long eventSequence, CloudEvent event, Subscription subscription) {
        return new Job(eventSequence, event, subscription, new CompletableFuture<>(), new AtomicBoolean());
    }

    /**
     * Lets go of the job's hold in {@link InFlight}, once: whichever of its ends comes first (a job that turned out
     * not to be its dispatch's is let go at once, though its attempt may still be under way; the same delivery held
     * again meanwhile is another job's hold).
     */
    void release(InFlight inFlight) {
        if (released.compareAndSet(false, true)) {
            inFlight.release(messageId());
        }
    }

    String messageId() {
        return Delivery.messageId(subscription.id(), eventSequence);
    }

    String endpoint() {
        return subscription.request().endPoint();
    }

    boolean isValidation() {
        return eventSequence == Delivery.VALIDATION;
    }

    /** Whether the store has answered that this delivery is not this dispatch's (see the class comment). */
    boolean notOurs() {
        return stored.isDone() && stored.getNow(null) == null;
    }

    /** About how many bytes of memory the job's event takes (its data and attributes, and a little more). */
    static long sizeOf(CloudEvent event) {
        long size = 512;
        for (String s : new String[] {event.id(), event.source(), event.type(), event.subject(), event.time(),
                event.dataContentType(), event.dataSchema()}) {
            size += s == null ? 0 : 2L * s.length();
        }
        for (var e : event.extensions().entrySet()) {
            size += 64 + 2L * e.getKey().length() + 2L * String.valueOf(e.getValue()).length();
        }
        if (event.data() instanceof EventData.Json json) {
            size += 2L * json.json().length();
        } else if (event.data() instanceof EventData.Base64 base64) {
            size += 2L * base64.base64().length();
        }
        return size;
    }
}
