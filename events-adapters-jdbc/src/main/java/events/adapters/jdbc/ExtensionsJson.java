package events.adapters.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code extensions} column: a JSON object whose values keep their types (string, number, boolean). */
final class ExtensionsJson {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {
    };

    private ExtensionsJson() {
    }

    static String write(Map<String, Object> extensions) {
        try {
            return JSON.writeValueAsString(extensions);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("extensions cannot be written as JSON", e);
        }
    }

    static Map<String, Object> read(String json) {
        try {
            return JSON.readValue(json, MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored extensions are not a JSON object", e);
        }
    }
}
