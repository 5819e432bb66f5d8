package events.core.delivery;

import events.domain.CloudEvent;
import events.domain.Delivery;
import events.domain.EventData;
import events.domain.Subscription;

/** A stored delivery to attempt, with its event and subscription. */
record Job(Delivery delivery, CloudEvent event, Subscription subscription) {

    String messageId() {
        return delivery.messageId();
    }

    String endpoint() {
        return subscription.request().endPoint();
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
