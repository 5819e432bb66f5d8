package events.adapters.http.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import events.domain.CloudEvent;
import events.domain.EventData;
import events.domain.InvalidEventException;
import events.domain.Violation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the CloudEvents JSON format (structured mode, one event) and the JSON batch format, naming every
 * failing attribute. The {@code data} member is kept as the exact bytes of its JSON value, {@code time} as
 * its text, extensions with their JSON types (string, integer, boolean); a JSON {@code null} attribute is
 * absent.
 */
final class CloudEventJsonReader {
    static final JsonFactory JSON = JsonFactory.builder().build();

    private static final Set<String> STRING_ATTRIBUTES = Set.of(
            "specversion", "id", "source", "type", "subject", "time", "datacontenttype", "dataschema", "data_base64");

    private CloudEventJsonReader() {
    }

    /** Moves to the body's first token and checks that it opens what the body must be. */
    private static void expectFirst(JsonParser p, JsonToken expected, String what) throws IOException {
        JsonToken first = p.nextToken();
        if (first == null) {
            throw invalid("body", "is empty; expected " + what);
        }
        if (first != expected) {
            throw invalid("body", "must be " + what);
        }
    }

    /** One event in structured mode. */
    static CloudEvent readEvent(byte[] body) {
        requireUtf8(body);
        try (JsonParser p = JSON.createParser(body)) {
            expectFirst(p, JsonToken.START_OBJECT, "a CloudEvent JSON object");
            Attributes attributes = readObject(p, body);
            if (p.nextToken() != null) {
                throw invalid("body", "has content after the event object");
            }
            List<Violation> violations = new ArrayList<>();
            CloudEvent event = attributes.toEvent(violations);
            if (!violations.isEmpty()) {
                throw new InvalidEventException(distinct(violations));
            }
            return event;
        } catch (JsonProcessingException e) {
            throw notJson(e);
        } catch (IOException e) {
            throw invalid("body", "could not be read");
        }
    }

    /**
     * A batch: a JSON array of at least one event, all valid or none accepted. Violations are named
     * {@code [i].attribute}.
     *
     * @throws PayloadTooLargeException when one event's JSON is larger than {@code maxEventBytes}
     */
    static List<CloudEvent> readBatch(byte[] body, int maxEventBytes) {
        requireUtf8(body);
        try (JsonParser p = JSON.createParser(body)) {
            expectFirst(p, JsonToken.START_ARRAY, "a JSON array of CloudEvents");
            List<CloudEvent> events = new ArrayList<>();
            List<Violation> violations = new ArrayList<>();
            int index = 0;
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken(), index++) {
                if (t == null) {
                    throw invalid("body", "ends inside the batch array");
                }
                if (t != JsonToken.START_OBJECT) {
                    violations.add(new Violation("[" + index + "]", "must be a CloudEvent JSON object"));
                    p.skipChildren();
                    continue;
                }
                long start = p.currentTokenLocation().getByteOffset();
                Attributes attributes = readObject(p, body);
                long end = p.currentLocation().getByteOffset();
                if (start >= 0 && end - start > maxEventBytes) {
                    throw new PayloadTooLargeException("event [" + index + "] of the batch is larger than the limit of "
                            + maxEventBytes + " bytes");
                }
                List<Violation> own = new ArrayList<>();
                CloudEvent event = attributes.toEvent(own);
                if (own.isEmpty()) {
                    events.add(event);
                } else {
                    for (Violation v : distinct(own)) {
                        violations.add(v.inBatchAt(index));
                    }
                }
            }
            if (p.nextToken() != null) {
                throw invalid("body", "has content after the batch array");
            }
            if (index == 0) {
                violations.add(new Violation("body", "a batch must hold at least one event"));
            }
            if (!violations.isEmpty()) {
                throw new InvalidEventException(violations);
            }
            return events;
        } catch (JsonProcessingException e) {
            throw notJson(e);
        } catch (IOException e) {
            throw invalid("body", "could not be read");
        }
    }

    /** Checks that {@code json} holds exactly one JSON value; returns the violation message or null. */
    static String jsonProblem(byte[] json) {
        if (looksLikeUtf16or32(json)) {
            return "must be UTF-8 JSON";
        }
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() == null) {
                return "is not a JSON value";
            }
            p.skipChildren();
            if (p.nextToken() != null) {
                return "has content after the JSON value";
            }
            return null;
        } catch (JsonProcessingException e) {
            return "is not valid JSON: " + e.getOriginalMessage();
        } catch (IOException e) {
            return "could not be read";
        }
    }

    /** Reads the members of an object whose START_OBJECT is the current token; ends on its END_OBJECT. */
    private static Attributes readObject(JsonParser p, byte[] body) throws IOException {
        Attributes a = new Attributes();
        Set<String> seen = new HashSet<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (!seen.add(name)) {
                a.violations.add(new Violation(name, "appears more than once"));
                p.skipChildren();
                continue;
            }
            if (value == JsonToken.VALUE_NULL) {
                continue;
            }
            if (name.equals("data")) {
                a.data = rawValue(p, value, body);
            } else if (STRING_ATTRIBUTES.contains(name)) {
                if (value == JsonToken.VALUE_STRING) {
                    a.strings.put(name, p.getText());
                } else {
                    a.violations.add(new Violation(name, "must be a JSON string"));
                    p.skipChildren();
                }
            } else {
                switch (value) {
                    case VALUE_STRING -> a.extensions.put(name, p.getText());
                    case VALUE_TRUE, VALUE_FALSE -> a.extensions.put(name, p.getBooleanValue());
                    case VALUE_NUMBER_INT -> a.extensions.put(name, p.getNumberValue());
                    default -> {
                        a.violations.add(new Violation(name, "must be a string, a 32-bit integer or a boolean"));
                        p.skipChildren();
                    }
                }
            }
        }
        return a;
    }

    /** The exact source text of the current value (the whole object or array when it starts one). */
    private static String rawValue(JsonParser p, JsonToken value, byte[] body) throws IOException {
        switch (value) {
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE:
                return p.getText();
            default:
                break;
        }
        long start = p.currentTokenLocation().getByteOffset();
        if (value == JsonToken.VALUE_STRING) {
            p.getText(); // completes the lazily parsed string, moving past its closing quote
        } else {
            p.skipChildren();
        }
        long end = p.currentLocation().getByteOffset();
        if (start < 0 || end > body.length || end <= start) {
            throw invalid("data", "could not be located in the body");
        }
        return new String(body, (int) start, (int) (end - start), StandardCharsets.UTF_8).strip();
    }

    private static void requireUtf8(byte[] body) {
        if (looksLikeUtf16or32(body)) {
            throw invalid("body", "must be UTF-8 JSON");
        }
    }

    /** JSON starts with an ASCII character, so a NUL among the first two bytes or a UTF-16 BOM means UTF-16/32. */
    private static boolean looksLikeUtf16or32(byte[] b) {
        if (b.length >= 2) {
            if (b[0] == 0 || b[1] == 0) {
                return true;
            }
            return (b[0] == (byte) 0xFE && b[1] == (byte) 0xFF) || (b[0] == (byte) 0xFF && b[1] == (byte) 0xFE);
        }
        return false;
    }

    private static InvalidEventException notJson(JsonProcessingException e) {
        var location = e.getLocation();
        String where = location == null ? "" : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
        return invalid("body", "is not valid JSON: " + e.getOriginalMessage() + where);
    }

    static InvalidEventException invalid(String attribute, String message) {
        return new InvalidEventException(new Violation(attribute, message));
    }

    static List<Violation> distinct(List<Violation> violations) {
        return List.copyOf(new LinkedHashSet<>(violations));
    }

    /** Attributes of one event as read, before the domain validates them. */
    static final class Attributes {
        final Map<String, String> strings = new LinkedHashMap<>();
        final Map<String, Object> extensions = new LinkedHashMap<>();
        final List<Violation> violations = new ArrayList<>();
        String data;

        /** The event, or null with {@code out} holding every violation (these and the domain's). */
        CloudEvent toEvent(List<Violation> out) {
            out.addAll(violations);
            String base64 = strings.get("data_base64");
            if (data != null && base64 != null) {
                out.add(new Violation("data", "data and data_base64 must not both be present"));
            }
            EventData eventData = data != null ? new EventData.Json(data)
                    : base64 != null ? new EventData.Base64(base64) : null;
            CloudEvent event = null;
            try {
                event = new CloudEvent(strings.get("specversion"), strings.get("id"), strings.get("source"),
                        strings.get("type"), strings.get("subject"), strings.get("time"),
                        strings.get("datacontenttype"), strings.get("dataschema"), extensions, eventData);
            } catch (InvalidEventException e) {
                out.addAll(e.violations());
            }
            return out.isEmpty() ? event : null;
        }
    }
}
