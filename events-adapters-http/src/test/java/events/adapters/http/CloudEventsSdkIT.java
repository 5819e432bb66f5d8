package events.adapters.http;

import static events.adapters.http.TestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.http.HttpMessageFactory;
import io.cloudevents.jackson.JsonFormat;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The CloudEvents Java SDK's HTTP binding as an independent client, in structured and binary mode. */
class CloudEventsSdkIT {
    static final String RESOURCE = "urn:altinn:resource:sdk";
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static CloudEvent sdkEvent(String id) {
        return CloudEventBuilder.v1()
                .withId(id)
                .withSource(URI.create("https://ttd.apps.altinn.no/ttd/app"))
                .withType("app.instance.process.completed")
                .withSubject("/party/50001")  // the SDK does not percent-encode header values, so ASCII only
                .withTime(OffsetDateTime.parse("2026-11-27T10:15:30.123Z"))
                .withDataSchema(URI.create("https://schemas.example/v1"))
                .withExtension("resource", RESOURCE)
                .withExtension("resourceinstance", "50001/abc")
                .withExtension("attempt", 42)
                .withExtension("urgent", true)
                .withData("application/json", "{\"instance\":\"50001/abc\",\"n\":[1,2]}".getBytes(StandardCharsets.UTF_8))
                .build();
    }

    @Test
    void acceptsStructuredModeFromTheSdkAndReturnsTheSameEvent() {
        CloudEvent sent = sdkEvent("sdk-structured");

        assertThat(send(sent, writer -> writer.writeStructured(sent, new JsonFormat()))).isEqualTo(200);

        CloudEvent received = pollOne("sdk-structured");
        assertThat(received.getExtension("attempt")).isEqualTo(42);
        assertThat(received.getExtension("urgent")).isEqualTo(true);
        assertSameEvent(received, sent);
    }

    @Test
    void acceptsBinaryModeFromTheSdkAndReturnsTheSameEvent() {
        CloudEvent sent = sdkEvent("sdk-binary");

        assertThat(send(sent, writer -> writer.writeBinary(sent))).isEqualTo(200);

        CloudEvent received = pollOne("sdk-binary");
        // HTTP headers carry no types: binary-mode extensions arrive as strings
        assertThat(received.getExtension("attempt")).isEqualTo("42");
        assertThat(received.getExtension("urgent")).isEqualTo("true");
        assertSameEvent(received, sent);
    }

    @Test
    void acceptsBinaryModeWithOpaqueDataFromTheSdk() {
        CloudEvent sent = CloudEventBuilder.v1(sdkEvent("sdk-bytes"))
                .withData("application/octet-stream", new byte[] {0, (byte) 0xff, 42})
                .build();

        assertThat(send(sent, writer -> writer.writeBinary(sent))).isEqualTo(200);

        assertThat(pollOne("sdk-bytes").getData().toBytes()).containsExactly(0, (byte) 0xff, 42);
    }

    private static void assertSameEvent(CloudEvent received, CloudEvent sent) {
        assertThat(received.getId()).isEqualTo(sent.getId());
        assertThat(received.getSource()).isEqualTo(sent.getSource());
        assertThat(received.getType()).isEqualTo(sent.getType());
        assertThat(received.getSubject()).isEqualTo(sent.getSubject());
        assertThat(received.getTime()).isEqualTo(sent.getTime());
        assertThat(received.getDataSchema()).isEqualTo(sent.getDataSchema());
        assertThat(received.getDataContentType()).isEqualTo(sent.getDataContentType());
        assertThat(received.getExtension("resource")).isEqualTo(RESOURCE);
        assertThat(received.getExtension("resourceinstance")).isEqualTo("50001/abc");
        assertThat(json(new String(received.getData().toBytes(), StandardCharsets.UTF_8)))
                .isEqualTo(json(new String(sent.getData().toBytes(), StandardCharsets.UTF_8)));
    }

    private static int send(CloudEvent event, Function<io.cloudevents.http.impl.HttpMessageWriter, ?> write) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri("/events/api/v1/events"));
        List<byte[]> body = new ArrayList<>();
        write.apply(HttpMessageFactory.createWriter(request::header, bytes -> body.add(bytes == null ? new byte[0] : bytes)));
        request.POST(HttpRequest.BodyPublishers.ofByteArray(body.isEmpty() ? new byte[0] : body.get(0)));
        HttpResponse<String> response = server.send(request, TestServer.publisher());
        assertThat(response.body()).isEmpty();
        return response.statusCode();
    }

    private static CloudEvent pollOne(String id) {
        HttpResponse<String> response =
                server.get("/events/api/v1/events?resource=" + RESOURCE + "&after=0", TestServer.subscriber());
        assertThat(response.statusCode()).isEqualTo(200);
        for (JsonNode event : json(response.body())) {
            if (event.get("id").asText().equals(id)) {
                return new JsonFormat().deserialize(event.toString().getBytes(StandardCharsets.UTF_8));
            }
        }
        throw new AssertionError("not returned: " + id);
    }
}
