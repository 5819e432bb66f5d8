package events.domain;

import java.util.Objects;

/**
 * The payload of an event exactly as published, in the CloudEvents JSON format's two shapes:
 * {@code data} (any JSON value, kept as its JSON text) or {@code data_base64} (kept as its base64 text).
 */
public sealed interface EventData {

    /** The {@code data} member: a JSON value (object, array, string, number, boolean or null) as JSON text. */
    record Json(String json) implements EventData {
        public Json {
            Objects.requireNonNull(json, "json");
        }
    }

    /** The {@code data_base64} member, as sent. */
    record Base64(String base64) implements EventData {
        public Base64 {
            Objects.requireNonNull(base64, "base64");
        }

        public byte[] bytes() {
            return java.util.Base64.getDecoder().decode(base64);
        }

        public static Base64 of(byte[] bytes) {
            return new Base64(java.util.Base64.getEncoder().encodeToString(bytes));
        }
    }
}
