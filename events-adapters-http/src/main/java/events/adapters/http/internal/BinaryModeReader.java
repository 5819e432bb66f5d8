package events.adapters.http.internal;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import events.domain.CloudEvent;
import events.domain.EventData;
import events.domain.InvalidEventException;
import events.domain.Violation;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads an event in the HTTP binary content mode: attributes from {@code ce-*} headers (values
 * percent-decoded as UTF-8), {@code datacontenttype} from Content-Type, data from the body. JSON bodies
 * become {@code data} verbatim, text bodies a JSON string, anything else {@code data_base64}; an empty body
 * means no data. Extension values are strings (headers carry no types).
 */
final class BinaryModeReader {
    private static final Map<String, String> ATTRIBUTES = Map.of(
            "specversion", "specversion", "id", "id", "source", "source", "type", "type",
            "subject", "subject", "time", "time", "dataschema", "dataschema");

    private BinaryModeReader() {
    }

    /**
     * @param ceHeaders every {@code ce-} header: name (any case, with the prefix) to its values
     * @param contentType the raw Content-Type header, or null
     */
    static CloudEvent read(Map<String, List<String>> ceHeaders, String contentType, byte[] body) {
        List<Violation> violations = new ArrayList<>();
        Map<String, String> attributes = new LinkedHashMap<>();
        Map<String, Object> extensions = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> header : ceHeaders.entrySet()) {
            String name = header.getKey().substring(3).toLowerCase(Locale.ROOT);
            if (header.getValue().size() != 1) {
                violations.add(new Violation(name, "header ce-" + name + " appears more than once"));
                continue;
            }
            String value;
            try {
                value = percentDecode(header.getValue().get(0));
            } catch (IllegalArgumentException e) {
                violations.add(new Violation(name, "header value has an invalid percent-encoding"));
                continue;
            }
            if (name.equals("datacontenttype")) {
                violations.add(new Violation(name, "is given by the Content-Type header in binary mode"));
            } else if (name.equals("data_base64")) {
                violations.add(new Violation(name, "is not an attribute in binary mode; send the data as the body"));
            } else if (ATTRIBUTES.containsKey(name)) {
                attributes.put(name, value);
            } else {
                extensions.put(name, value);
            }
        }
        String dataContentType = contentType == null || contentType.isBlank() ? null : contentType.strip();
        EventData data = null;
        if (body.length > 0) {
            MediaType type = MediaType.parse(dataContentType);
            if (type != null && type.isJson()) {
                String problem = CloudEventJsonReader.jsonProblem(body);
                if (problem == null) {
                    data = new EventData.Json(new String(body, StandardCharsets.UTF_8).strip());
                } else {
                    violations.add(new Violation("data", "the body " + problem));
                }
            } else if (type != null && type.isText()) {
                try {
                    String text = decode(body, type.charset());
                    data = new EventData.Json('"' + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + '"');
                } catch (IllegalArgumentException e) {
                    violations.add(new Violation("data", e.getMessage()));
                }
            } else {
                data = EventData.Base64.of(body);
            }
        }
        try {
            CloudEvent event = new CloudEvent(attributes.get("specversion"), attributes.get("id"),
                    attributes.get("source"), attributes.get("type"), attributes.get("subject"), attributes.get("time"),
                    dataContentType, attributes.get("dataschema"), extensions, data);
            if (violations.isEmpty()) {
                return event;
            }
        } catch (InvalidEventException e) {
            violations.addAll(e.violations());
        }
        throw new InvalidEventException(CloudEventJsonReader.distinct(violations));
    }

    private static String decode(byte[] body, String charsetName) {
        Charset charset;
        try {
            charset = charsetName == null ? StandardCharsets.UTF_8 : Charset.forName(charsetName);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw new IllegalArgumentException("the body's charset is not supported");
        }
        try {
            return charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the body is not valid " + charset.name() + " text");
        }
    }

    /**
     * Decodes {@code %XX} sequences as UTF-8 bytes (CloudEvents HTTP binding, section 3.1.3.2); everything
     * else, {@code +} included, stands for itself.
     *
     * @throws IllegalArgumentException on a malformed escape or bytes that are not UTF-8
     */
    static String percentDecode(String value) {
        if (value.indexOf('%') < 0) {
            return value;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length());
        for (int i = 0; i < value.length(); ) {
            char c = value.charAt(i);
            if (c == '%') {
                if (i + 3 > value.length()) {
                    throw new IllegalArgumentException("truncated escape");
                }
                int hi = Character.digit(value.charAt(i + 1), 16);
                int lo = Character.digit(value.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("bad escape");
                }
                bytes.write(hi * 16 + lo);
                i += 3;
            } else {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < value.length()) {
                    encoded = value.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                bytes.write(encoded, 0, encoded.length);
                i++;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("not UTF-8");
        }
    }
}
