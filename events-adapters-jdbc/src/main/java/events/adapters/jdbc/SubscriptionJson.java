package events.adapters.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import events.domain.SubscriptionFilter;
import events.domain.SubscriptionRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The {@code filters} column (a JSON array in the form of the CloudEvents Subscriptions API:
 * {@code {"exact": {"type": "a"}}}, {@code {"all": [...]}}, {@code {"not": {...}}}, {@code {"sql": "..."}})
 * and the {@code request_key} column.
 */
final class SubscriptionJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SubscriptionJson() {
    }

    static String writeFilters(List<SubscriptionFilter> filters) {
        return text(filterArray(filters, false));
    }

    static List<SubscriptionFilter> readFilters(String json) {
        try {
            JsonNode array = JSON.readTree(json);
            if (!array.isArray()) {
                throw new IllegalStateException("stored filters are not a JSON array");
            }
            List<SubscriptionFilter> filters = new ArrayList<>(array.size());
            array.forEach(node -> filters.add(filter(node)));
            return filters;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored filters are not JSON", e);
        }
    }

    /**
     * The first 128 bits of SHA-256 of the consumer and a canonical JSON text of the request (attribute maps
     * with their keys sorted, as map equality ignores order): equal for equal (consumer, request), and
     * unambiguous for any strings.
     */
    static UUID requestKey(String consumer, SubscriptionRequest request) {
        ArrayNode canonical = JSON.createArrayNode()
                .add(consumer)
                .add(request.endPoint())
                .add(request.resourceFilter())
                .add(request.subjectFilter())
                .add(request.typeFilter())
                .add(request.sourceFilter())
                .add(request.alternativeSubjectFilter());
        canonical.add(filterArray(request.filters(), true));
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        ByteBuffer digest = ByteBuffer.wrap(sha.digest(text(canonical).getBytes(StandardCharsets.UTF_8)));
        return new UUID(digest.getLong(), digest.getLong());
    }

    private static ArrayNode filterArray(List<SubscriptionFilter> filters, boolean sorted) {
        ArrayNode array = JSON.createArrayNode();
        filters.forEach(f -> array.add(node(f, sorted)));
        return array;
    }

    private static ObjectNode node(SubscriptionFilter filter, boolean sorted) {
        ObjectNode node = JSON.createObjectNode();
        if (filter instanceof SubscriptionFilter.Exact f) {
            node.set(f.dialect(), attributes(f.attributes(), sorted));
        } else if (filter instanceof SubscriptionFilter.Prefix f) {
            node.set(f.dialect(), attributes(f.attributes(), sorted));
        } else if (filter instanceof SubscriptionFilter.Suffix f) {
            node.set(f.dialect(), attributes(f.attributes(), sorted));
        } else if (filter instanceof SubscriptionFilter.All f) {
            node.set(f.dialect(), filterArray(f.filters(), sorted));
        } else if (filter instanceof SubscriptionFilter.Any f) {
            node.set(f.dialect(), filterArray(f.filters(), sorted));
        } else if (filter instanceof SubscriptionFilter.Not f) {
            node.set(f.dialect(), node(f.filter(), sorted));
        } else if (filter instanceof SubscriptionFilter.Sql f) {
            node.put(f.dialect(), f.expression());
        } else {
            throw new IllegalArgumentException("unknown filter " + filter.dialect());
        }
        return node;
    }

    private static ObjectNode attributes(Map<String, String> attributes, boolean sorted) {
        ObjectNode node = JSON.createObjectNode();
        (sorted ? new TreeMap<>(attributes) : attributes).forEach(node::put);
        return node;
    }

    private static SubscriptionFilter filter(JsonNode node) {
        if (!node.isObject() || node.size() != 1) {
            throw new IllegalStateException("a stored filter is an object with one dialect");
        }
        Map.Entry<String, JsonNode> only = node.properties().iterator().next();
        JsonNode value = only.getValue();
        return switch (only.getKey()) {
            case "exact" -> new SubscriptionFilter.Exact(attributeMap(value));
            case "prefix" -> new SubscriptionFilter.Prefix(attributeMap(value));
            case "suffix" -> new SubscriptionFilter.Suffix(attributeMap(value));
            case "all" -> new SubscriptionFilter.All(nested(value));
            case "any" -> new SubscriptionFilter.Any(nested(value));
            case "not" -> new SubscriptionFilter.Not(filter(value));
            case "sql" -> new SubscriptionFilter.Sql(value.textValue());
            default -> throw new IllegalStateException("unknown stored filter dialect " + only.getKey());
        };
    }

    private static Map<String, String> attributeMap(JsonNode object) {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : object.properties()) {
            attributes.put(e.getKey(), e.getValue().textValue());
        }
        return attributes;
    }

    private static List<SubscriptionFilter> nested(JsonNode array) {
        List<SubscriptionFilter> filters = new ArrayList<>(array.size());
        array.forEach(n -> filters.add(filter(n)));
        return filters;
    }

    private static String text(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("filters cannot be written as JSON", e);
        }
    }
}
