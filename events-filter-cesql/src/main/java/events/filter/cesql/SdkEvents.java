package events.filter.cesql;

import events.domain.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Map;

/** Our {@link CloudEvent} as a CloudEvents SDK event, for the CESQL evaluator. */
final class SdkEvents {
    private static final int MAX_OFFSET_MINUTES = 18 * 60;

    private SdkEvents() {
    }

    /**
     * Every context attribute and extension of {@code event}, with the SDK's types (source and dataschema
     * {@link URI}, time {@link OffsetDateTime}; extensions String, Integer or Boolean). Without data: CESQL
     * cannot read it.
     */
    static io.cloudevents.CloudEvent of(CloudEvent event) {
        CloudEventBuilder builder = CloudEventBuilder.v1()
                .withId(event.id())
                .withSource(URI.create(event.source()))
                .withType(event.type());
        if (event.subject() != null) {
            builder.withSubject(event.subject());
        }
        if (event.time() != null) {
            builder.withTime(time(event.time()));
        }
        if (event.dataContentType() != null) {
            builder.withDataContentType(event.dataContentType());
        }
        if (event.dataSchema() != null) {
            builder.withDataSchema(URI.create(event.dataSchema()));
        }
        for (Map.Entry<String, Object> extension : event.extensions().entrySet()) {
            Object value = extension.getValue();
            if (value instanceof Integer i) {
                builder.withExtension(extension.getKey(), i);
            } else if (value instanceof Boolean b) {
                builder.withExtension(extension.getKey(), b);
            } else {
                builder.withExtension(extension.getKey(), (String) value);
            }
        }
        return builder.build();
    }

    /**
     * An RFC 3339 timestamp (as {@link CloudEvent} validated it) as an {@link OffsetDateTime}. java.time cannot
     * hold three things RFC 3339 allows; they become the nearest value it can: a leap second {@code :60} is
     * {@code :59} (as {@code DateTimeFormatter.ISO_INSTANT} does), fraction digits past nanoseconds are cut, and
     * an offset beyond ±18:00 becomes the same instant in UTC.
     */
    static OffsetDateTime time(String text) {
        try {
            return OffsetDateTime.parse(text);
        } catch (DateTimeParseException unusual) {
            return lenientTime(text);
        }
    }

    private static OffsetDateTime lenientTime(String t) {
        // yyyy-MM-ddTHH:mm:ss[.fraction](Z|±HH:mm), checked by CloudEvent.isRfc3339
        int nanos = 0;
        int i = 19;
        if (t.charAt(i) == '.') {
            int start = ++i;
            while (i < t.length() && t.charAt(i) >= '0' && t.charAt(i) <= '9') {
                i++;
            }
            String nineDigits = (t.substring(start, Math.min(i, start + 9)) + "000000000").substring(0, 9);
            nanos = Integer.parseInt(nineDigits);
        }
        LocalDateTime local = LocalDateTime.of(number(t, 0, 4), number(t, 5, 2), number(t, 8, 2),
                number(t, 11, 2), number(t, 14, 2), Math.min(59, number(t, 17, 2)), nanos);
        char zone = t.charAt(i);
        if (zone == 'Z' || zone == 'z') {
            return local.atOffset(ZoneOffset.UTC);
        }
        int minutes = (zone == '-' ? -1 : 1) * (number(t, i + 1, 2) * 60 + number(t, i + 4, 2));
        if (Math.abs(minutes) <= MAX_OFFSET_MINUTES) {
            return local.atOffset(ZoneOffset.ofTotalSeconds(minutes * 60));
        }
        return local.minusMinutes(minutes).atOffset(ZoneOffset.UTC);
    }

    private static int number(String s, int from, int length) {
        return Integer.parseInt(s, from, from + length, 10);
    }
}
