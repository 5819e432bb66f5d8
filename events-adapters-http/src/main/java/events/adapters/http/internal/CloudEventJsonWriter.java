package events.adapters.http.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import events.domain.CloudEvent;
import events.domain.EventData;
import events.domain.StoredEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * Writes events in the CloudEvents JSON format exactly as published: extension values with their types,
 * {@code time} as its original text, {@code data} as its original JSON text or {@code data_base64}.
 * Public for the webhook sender in {@code events.adapters.http}; not API.
 */
public final class CloudEventJsonWriter {
    private CloudEventJsonWriter() {
    }

    /** One event in structured mode (the body of {@code application/cloudevents+json}), UTF-8. */
    public static byte[] writeEvent(CloudEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = CloudEventJsonReader.JSON.createGenerator(out)) {
            write(g, event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A JSON array of the events (the batch format). */
    static byte[] writeBatch(List<StoredEvent> events) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + events.size() * 512);
        try (JsonGenerator g = CloudEventJsonReader.JSON.createGenerator(out)) {
            g.writeStartArray();
            for (StoredEvent stored : events) {
                write(g, stored.event());
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static void write(JsonGenerator g, CloudEvent e) throws IOException {
        g.writeStartObject();
        g.writeStringField("specversion", e.specVersion());
        g.writeStringField("id", e.id());
        g.writeStringField("source", e.source());
        g.writeStringField("type", e.type());
        writeOptional(g, "subject", e.subject());
        writeOptional(g, "time", e.time());
        writeOptional(g, "datacontenttype", e.dataContentType());
        writeOptional(g, "dataschema", e.dataSchema());
        for (Map.Entry<String, Object> ext : e.extensions().entrySet()) {
            Object value = ext.getValue();
            if (value instanceof Integer i) {
                g.writeNumberField(ext.getKey(), i);
            } else if (value instanceof Boolean b) {
                g.writeBooleanField(ext.getKey(), b);
            } else {
                g.writeStringField(ext.getKey(), String.valueOf(value));
            }
        }
        if (e.data() instanceof EventData.Json json) {
            g.writeFieldName("data");
            g.writeRawValue(json.json());
        } else if (e.data() instanceof EventData.Base64 b64) {
            g.writeStringField("data_base64", b64.base64());
        }
        g.writeEndObject();
    }

    private static void writeOptional(JsonGenerator g, String name, String value) throws IOException {
        if (value != null) {
            g.writeStringField(name, value);
        }
    }
}
