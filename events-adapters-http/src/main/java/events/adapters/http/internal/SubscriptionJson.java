package events.adapters.http.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import events.domain.Delivery;
import events.domain.DeliveryAttempt;
import events.domain.InvalidSubscriptionException;
import events.domain.Subscription;
import events.domain.SubscriptionFilter;
import events.domain.SubscriptionRequest;
import events.domain.Violation;
import events.domain.WebhookSecret;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Subscriptions, deliveries and dead letters as JSON, and subscription requests from JSON.
 *
 * <p>Written objects always carry every field, {@code null} when it has no value (Altinn's responses do the
 * same); times are ISO-8601 in UTC; {@code status} is {@code pending}, {@code active} or {@code disabled}.
 *
 * <p>{@code filters} use the CloudEvents Subscriptions API form: each filter is an object with exactly one
 * member, named by its dialect: {@code {"exact":{"type":"x"}}}, {@code {"prefix":{...}}},
 * {@code {"suffix":{...}}}, {@code {"all":[...]}}, {@code {"any":[...]}}, {@code {"not":{...}}},
 * {@code {"sql":"expression"}}.
 */
final class SubscriptionJson {
    static final String FILTERS = "filters";
    private static final List<String> STRING_FIELDS = List.of("endPoint", "resourceFilter", "subjectFilter",
            "typeFilter", "sourceFilter", "alternativeSubjectFilter");
    private static final String DIALECTS = "exact, prefix, suffix, all, any, not or sql";
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private SubscriptionJson() {
    }

    /**
     * A subscription request, naming every problem at once (wrong JSON types, unknown filter dialects, and the
     * request's own rules such as missing required fields).
     *
     * <p>Members other than the request fields are ignored, not refused: Altinn's clients send the fields of
     * its responses back (e.g. {@code id}, {@code consumer}), and a newer client's optional field should not
     * break an older server.
     *
     * @throws InvalidSubscriptionException for anything wrong
     */
    static SubscriptionRequest readRequest(byte[] body) {
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            String reason = e.getOriginalMessage();
            throw new InvalidSubscriptionException(new Violation("body", "is not valid JSON: "
                    + (reason == null ? "malformed" : reason.lines().findFirst().orElse(reason))));
        } catch (IOException e) {
            throw new InvalidSubscriptionException(new Violation("body", "could not be read"));
        }
        if (root == null || root.isMissingNode() || !root.isObject()) {
            throw new InvalidSubscriptionException(new Violation("body", "must be a JSON object"));
        }
        List<Violation> violations = new ArrayList<>();
        Map<String, String> strings = new LinkedHashMap<>();
        for (String name : STRING_FIELDS) {
            JsonNode value = root.get(name);
            if (value == null || value.isNull()) {
                strings.put(name, null);
            } else if (value.isTextual()) {
                strings.put(name, value.textValue());
            } else {
                violations.add(new Violation(name, "must be a string, not " + typeName(value)));
                strings.put(name, null);
            }
        }
        List<SubscriptionFilter> filters = new ArrayList<>();
        JsonNode filtersNode = root.get(FILTERS);
        if (filtersNode != null && !filtersNode.isNull()) {
            if (!filtersNode.isArray()) {
                violations.add(new Violation(FILTERS, "must be an array of filters, not " + typeName(filtersNode)));
            } else {
                for (int i = 0; i < filtersNode.size(); i++) {
                    SubscriptionFilter f = readFilter(filtersNode.get(i), FILTERS + "[" + i + "]", violations);
                    if (f != null) {
                        filters.add(f);
                    }
                }
            }
        }
        try {
            SubscriptionRequest request = new SubscriptionRequest(strings.get("endPoint"),
                    strings.get("resourceFilter"), strings.get("subjectFilter"), strings.get("typeFilter"),
                    strings.get("sourceFilter"), strings.get("alternativeSubjectFilter"), filters);
            if (violations.isEmpty()) {
                return request;
            }
        } catch (InvalidSubscriptionException e) {
            // A field already refused for its type also reads as missing here; say it once.
            Set<String> named = new HashSet<>();
            violations.forEach(v -> named.add(v.attribute()));
            for (Violation v : e.violations()) {
                if (!named.contains(v.attribute()) || v.attribute().equals(FILTERS)) {
                    violations.add(v);
                }
            }
        }
        throw new InvalidSubscriptionException(violations);
    }

    /** One filter at {@code path}, or null after adding a violation that names the path. */
    private static SubscriptionFilter readFilter(JsonNode node, String path, List<Violation> violations) {
        if (node == null || !node.isObject()) {
            violations.add(filterViolation(path, "must be an object with one member naming its dialect ("
                    + DIALECTS + "), not " + typeName(node)));
            return null;
        }
        if (node.size() != 1) {
            violations.add(filterViolation(path, "must have exactly one member, its dialect (" + DIALECTS
                    + "); it has " + node.size() + (node.size() == 0 ? "" : ": " + String.join(", ", names(node)))));
            return null;
        }
        Map.Entry<String, JsonNode> only = node.properties().iterator().next();
        String dialect = only.getKey();
        JsonNode value = only.getValue();
        String at = path + "." + dialect;
        try {
            switch (dialect) {
                case "exact", "prefix", "suffix" -> {
                    Map<String, String> attributes = readAttributes(value, at, violations);
                    if (attributes == null) {
                        return null;
                    }
                    return dialect.equals("exact") ? new SubscriptionFilter.Exact(attributes)
                            : dialect.equals("prefix") ? new SubscriptionFilter.Prefix(attributes)
                            : new SubscriptionFilter.Suffix(attributes);
                }
                case "all", "any" -> {
                    if (!value.isArray()) {
                        violations.add(filterViolation(at, "must be an array of filters, not " + typeName(value)));
                        return null;
                    }
                    List<SubscriptionFilter> nested = new ArrayList<>();
                    int before = violations.size();
                    for (int i = 0; i < value.size(); i++) {
                        SubscriptionFilter f = readFilter(value.get(i), at + "[" + i + "]", violations);
                        if (f != null) {
                            nested.add(f);
                        }
                    }
                    if (violations.size() > before) {
                        return null;
                    }
                    return dialect.equals("all") ? new SubscriptionFilter.All(nested) : new SubscriptionFilter.Any(nested);
                }
                case "not" -> {
                    SubscriptionFilter nested = readFilter(value, at, violations);
                    return nested == null ? null : new SubscriptionFilter.Not(nested);
                }
                case "sql" -> {
                    if (!value.isTextual()) {
                        violations.add(filterViolation(at, "must be a CloudEvents SQL expression as a string, not "
                                + typeName(value)));
                        return null;
                    }
                    return new SubscriptionFilter.Sql(value.textValue());
                }
                default -> {
                    violations.add(filterViolation(path, "unknown dialect \"" + dialect + "\"; use " + DIALECTS));
                    return null;
                }
            }
        } catch (InvalidSubscriptionException e) {
            for (Violation v : e.violations()) {
                violations.add(filterViolation(at, v.message()));
            }
            return null;
        }
    }

    private static Map<String, String> readAttributes(JsonNode value, String at, List<Violation> violations) {
        if (!value.isObject()) {
            violations.add(filterViolation(at, "must be an object of attribute names to strings, not "
                    + typeName(value)));
            return null;
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        boolean ok = true;
        for (Map.Entry<String, JsonNode> a : value.properties()) {
            if (!a.getValue().isTextual()) {
                violations.add(filterViolation(at + "." + a.getKey(), "must be a string, not " + typeName(a.getValue())));
                ok = false;
            } else {
                attributes.put(a.getKey(), a.getValue().textValue());
            }
        }
        return ok ? attributes : null;
    }

    private static Violation filterViolation(String path, String message) {
        return new Violation(FILTERS, path + ": " + message);
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String typeName(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    /** The subscription, plus {@code secret} when given (only on create). */
    static byte[] subscription(Subscription s, WebhookSecret secret) {
        return write(g -> {
            writeSubscription(g, s, secret);
            return null;
        });
    }

    /** {@code {"count":n,"subscriptions":[...]}}. */
    static byte[] subscriptions(List<Subscription> list) {
        return write(g -> {
            g.writeStartObject();
            g.writeNumberField("count", list.size());
            g.writeArrayFieldStart("subscriptions");
            for (Subscription s : list) {
                writeSubscription(g, s, null);
            }
            g.writeEndArray();
            g.writeEndObject();
            return null;
        });
    }

    /** {@code {"secret":"whsec_..."}}. */
    static byte[] secret(WebhookSecret secret) {
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("secret", secret.value());
            g.writeEndObject();
            return null;
        });
    }

    /** {@code {"redriven":n}}. */
    static byte[] redriven(int n) {
        return write(g -> {
            g.writeStartObject();
            g.writeNumberField("redriven", n);
            g.writeEndObject();
            return null;
        });
    }

    /** {@code {"deliveries":[...],"next":url-or-null}}. */
    static byte[] deliveries(List<DeliveryAttempt> attempts, String next) {
        return write(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("deliveries");
            for (DeliveryAttempt a : attempts) {
                g.writeStartObject();
                g.writeNumberField("id", a.id());
                g.writeNumberField("deliveryId", a.deliveryId());
                g.writeStringField("eventId", a.eventId());
                g.writeNumberField("attempt", a.attempt());
                writeTime(g, "time", a.at());
                if (a.statusCode() == null) {
                    g.writeNullField("statusCode");
                } else {
                    g.writeNumberField("statusCode", a.statusCode());
                }
                g.writeStringField("error", a.error());
                g.writeNumberField("durationMs", a.durationMillis());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeStringField("next", next);
            g.writeEndObject();
            return null;
        });
    }

    /** {@code {"deadletters":[...],"next":url-or-null}}. */
    static byte[] deadLetters(List<Delivery> deliveries, String next) {
        return write(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("deadletters");
            for (Delivery d : deliveries) {
                g.writeStartObject();
                g.writeNumberField("id", d.id());
                g.writeStringField("eventId", d.eventId());
                g.writeBooleanField("validation", d.isValidation());
                g.writeNumberField("attempts", d.attempts());
                g.writeStringField("status", d.status().wireName());
                writeTime(g, "created", d.created());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeStringField("next", next);
            g.writeEndObject();
            return null;
        });
    }

    private static void writeSubscription(JsonGenerator g, Subscription s, WebhookSecret secret) throws IOException {
        SubscriptionRequest r = s.request();
        g.writeStartObject();
        g.writeStringField("id", s.id().toString());
        g.writeStringField("endPoint", r.endPoint());
        g.writeStringField("resourceFilter", r.resourceFilter());
        g.writeStringField("subjectFilter", r.subjectFilter());
        g.writeStringField("typeFilter", r.typeFilter());
        g.writeStringField("sourceFilter", r.sourceFilter());
        g.writeStringField("alternativeSubjectFilter", r.alternativeSubjectFilter());
        g.writeArrayFieldStart(FILTERS);
        for (SubscriptionFilter f : r.filters()) {
            writeFilter(g, f);
        }
        g.writeEndArray();
        g.writeStringField("consumer", s.consumer());
        g.writeStringField("createdBy", s.createdBy());
        writeTime(g, "created", s.created());
        writeTime(g, "validated", s.validated());
        g.writeStringField("status", s.status().wireName());
        if (secret != null) {
            g.writeStringField("secret", secret.value());
        }
        g.writeEndObject();
    }

    static void writeFilter(JsonGenerator g, SubscriptionFilter filter) throws IOException {
        g.writeStartObject();
        g.writeFieldName(filter.dialect());
        if (filter instanceof SubscriptionFilter.Exact x) {
            writeAttributes(g, x.attributes());
        } else if (filter instanceof SubscriptionFilter.Prefix x) {
            writeAttributes(g, x.attributes());
        } else if (filter instanceof SubscriptionFilter.Suffix x) {
            writeAttributes(g, x.attributes());
        } else if (filter instanceof SubscriptionFilter.All x) {
            writeFilters(g, x.filters());
        } else if (filter instanceof SubscriptionFilter.Any x) {
            writeFilters(g, x.filters());
        } else if (filter instanceof SubscriptionFilter.Not x) {
            writeFilter(g, x.filter());
        } else if (filter instanceof SubscriptionFilter.Sql x) {
            g.writeString(x.expression());
        }
        g.writeEndObject();
    }

    private static void writeAttributes(JsonGenerator g, Map<String, String> attributes) throws IOException {
        g.writeStartObject();
        for (Map.Entry<String, String> a : attributes.entrySet()) {
            g.writeStringField(a.getKey(), a.getValue());
        }
        g.writeEndObject();
    }

    private static void writeFilters(JsonGenerator g, List<SubscriptionFilter> filters) throws IOException {
        g.writeStartArray();
        for (SubscriptionFilter f : filters) {
            writeFilter(g, f);
        }
        g.writeEndArray();
    }

    private static void writeTime(JsonGenerator g, String name, Instant time) throws IOException {
        g.writeStringField(name, time == null ? null : time.toString());
    }

    private interface Body {
        Void write(JsonGenerator g) throws IOException;
    }

    private static byte[] write(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = CloudEventJsonReader.JSON.createGenerator(out)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
