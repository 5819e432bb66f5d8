package events.adapters.http;

import static events.adapters.http.TestServer.json;
import static events.adapters.http.TestServer.publisher;
import static events.adapters.http.TestServer.subscriber;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import events.domain.CloudEvent;
import events.domain.EventData;
import events.domain.EventFilter;
import events.domain.StoredEvent;
import events.testkit.EventStoreContract;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class PublishEventsIT {
    static final String VALID = """
            {"specversion":"1.0","id":"%s","source":"urn:test:source","type":"app.instance.created",
             "subject":"/party/1337","time":"2026-11-27T10:15:30.123456Z","datacontenttype":"application/json",
             "resource":"urn:altinn:resource:ttd-test","data":{"n":1}}""";

    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(b -> b.maxEventBytes(2048).maxBatchBytes(8192));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String valid(String id) {
        return VALID.formatted(id);
    }

    /** Table in invalid-events.json: each case changes a valid event and names the attributes that must fail. */
    @TestFactory
    Stream<DynamicTest> rejectsInvalidEventsNamingEveryFailingAttribute() throws IOException {
        JsonNode cases;
        try (InputStream in = getClass().getResourceAsStream("/invalid-events.json")) {
            cases = TestServer.JSON.readTree(in);
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases) {
            tests.add(DynamicTest.dynamicTest(c.get("name").asText(), () -> {
                String body;
                if (c.has("raw")) {
                    body = c.get("raw").asText();
                } else {
                    ObjectNode event = (ObjectNode) json(valid("bad-" + c.get("name").asText()));
                    c.path("remove").forEach(name -> event.remove(name.asText()));
                    Iterator<String> names = c.path("set").fieldNames();
                    while (names.hasNext()) {
                        String name = names.next();
                        event.set(name, c.get("set").get(name));
                    }
                    body = event.toString();
                }
                int before = server.store.size();
                HttpResponse<String> response = server.publish(body);

                assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
                assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
                JsonNode problem = json(response.body());
                assertThat(problem.get("status").asInt()).isEqualTo(400);
                assertThat(problem.get("type").asText()).isNotBlank();
                assertThat(problem.get("title").asText()).isNotBlank();
                assertThat(problem.get("detail").asText()).isNotBlank();
                Set<String> expected = new TreeSet<>();
                c.get("errors").forEach(e -> expected.add(e.asText()));
                Set<String> actual = new TreeSet<>();
                problem.get("errors").fieldNames().forEachRemaining(actual::add);
                assertThat(actual).isEqualTo(expected);
                problem.get("errors").forEach(messages -> assertThat(messages.isArray() && messages.size() > 0).isTrue());
                assertThat(server.store.size()).isEqualTo(before);
            }));
        }
        return tests.stream();
    }

    @Test
    void acceptsAValidEventWith200AndAnEmptyBody() {
        HttpResponse<String> response = server.publish(valid("ok-1"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEmpty();
    }

    @Test
    void acceptsStructuredModeWithCharsetParameter() {
        HttpResponse<String> response =
                server.post("Application/CloudEvents+JSON; charset=UTF-8", valid("charset-1"), publisher());

        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void acknowledgesADuplicateOnceStored() {
        int before = server.store.size();

        assertThat(server.publish(valid("dup-1")).statusCode()).isEqualTo(200);
        assertThat(server.publish(valid("dup-1")).statusCode()).isEqualTo(200);

        assertThat(server.store.size()).isEqualTo(before + 1);
    }

    @Test
    void rejectsAWholeBatchWhenOneEventIsInvalid() {
        String batch = "[" + valid("batch-a1") + "," + valid("batch-a2").replace("\"type\":\"app.instance.created\",", "")
                + "," + valid("batch-a3").replace("\"time\":\"2026-11-27T10:15:30.123456Z\"", "\"time\":\"soon\"") + "]";
        int before = server.store.size();

        HttpResponse<String> response = server.post("application/cloudevents-batch+json", batch, publisher());

        assertThat(response.statusCode()).isEqualTo(400);
        List<String> attributes = new ArrayList<>();
        json(response.body()).get("errors").fieldNames().forEachRemaining(attributes::add);
        assertThat(attributes).containsExactlyInAnyOrder("[1].type", "[2].time");
        assertThat(server.store.size()).isEqualTo(before);
    }

    @Test
    void rejectsControlCharactersInAttributesWith400NamingThem() {
        String event = valid("ctl-1").replace("\"type\":\"app.instance.created\"",
                "\"type\":\"app.instance\\u0000created\",\"comment\":\"line\\nbreak\"");
        int before = server.store.size();

        HttpResponse<String> response = server.publish(event);

        assertThat(response.statusCode()).isEqualTo(400);
        List<String> attributes = new ArrayList<>();
        json(response.body()).get("errors").fieldNames().forEachRemaining(attributes::add);
        assertThat(attributes).containsExactlyInAnyOrder("type", "comment");
        assertThat(server.store.size()).isEqualTo(before);
    }

    @Test
    void storesEveryEventOfAValidBatch() {
        String batch = "[" + valid("batch-b1") + "," + valid("batch-b2") + "," + valid("batch-b1") + "]";
        int before = server.store.size();

        HttpResponse<String> response = server.post("application/cloudevents-batch+json", batch, publisher());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(server.store.size()).isEqualTo(before + 2);
    }

    @Test
    void rejectsAnEmptyBatch() {
        HttpResponse<String> response = server.post("application/cloudevents-batch+json", "[]", publisher());

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response.body()).get("errors").has("body")).isTrue();
    }

    @Test
    void rejectsAnEventLargerThanTheLimitWith413() {
        String big = valid("big-1").replace("{\"n\":1}", "\"" + "x".repeat(3000) + "\"");

        HttpResponse<String> response = server.publish(big);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(json(response.body()).get("status").asInt()).isEqualTo(413);
    }

    @Test
    void rejectsAChunkedEventLargerThanTheLimitWith413() {
        byte[] big = valid("big-2").replace("{\"n\":1}", "\"" + "x".repeat(100_000) + "\"")
                .getBytes(StandardCharsets.UTF_8);
        // ofInputStream has no known length, so the client sends it chunked (no Content-Length)
        HttpResponse<String> response = server.post("application/cloudevents+json",
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)), publisher());

        assertThat(response.statusCode()).isEqualTo(413);
    }

    @Test
    void acceptsAChunkedEventWithinTheLimit() {
        byte[] body = valid("chunked-ok").getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = server.post("application/cloudevents+json",
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)), publisher());

        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void rejectsABatchLargerThanTheBatchLimitWith413() {
        StringBuilder batch = new StringBuilder("[");
        for (int i = 0; i < 40; i++) {
            batch.append(i == 0 ? "" : ",").append(valid("many-" + i));
        }
        HttpResponse<String> response =
                server.post("application/cloudevents-batch+json", batch.append("]").toString(), publisher());

        assertThat(response.statusCode()).isEqualTo(413);
    }

    @Test
    void rejectsABatchWithOneEventLargerThanTheEventLimitWith413() {
        String big = valid("big-3").replace("{\"n\":1}", "\"" + "x".repeat(3000) + "\"");

        HttpResponse<String> response = server.post("application/cloudevents-batch+json",
                "[" + valid("small-1") + "," + big + "]", publisher());

        assertThat(response.statusCode()).isEqualTo(413);
    }

    @Test
    void rejectsOtherContentTypesWith415() {
        for (String type : new String[] {"application/json", "text/plain", "application/cloudevents+xml", null}) {
            HttpResponse<String> response = server.post(type, valid("ct-" + type), publisher());

            assertThat(response.statusCode()).as(type).isEqualTo(415);
            assertThat(json(response.body()).get("status").asInt()).isEqualTo(415);
        }
    }

    @Test
    void rejectsAnUnknownOrNonUtf8CharsetWith415AndAcceptsUtf8() {
        for (String type : new String[] {"application/cloudevents+json; charset=no-such-charset",
                "application/cloudevents+json; charset=\"\"", "application/cloudevents+json; charset=iso-8859-1",
                "application/cloudevents-batch+json; charset=utf-16"}) {
            HttpResponse<String> response = server.post(type, valid("cs-" + type.hashCode()), publisher());

            assertThat(response.statusCode()).as(type).isEqualTo(415);
            assertThat(json(response.body()).get("type").asText()).as(type).endsWith("unsupported-media-type");
        }
        assertThat(server.post("application/cloudevents+json; charset=UTF-8", valid("cs-utf8"), publisher())
                .statusCode()).isEqualTo(200);
    }

    @Test
    void returnsEveryAttributeExactlyAsPublished() {
        String event = """
                {"specversion" : "1.0", "id":"exact-1","source":"/relative/source","type":"exact.type",
                 "subject":"/party/42","time":"2026-01-02t03:04:05.1+01:00","dataschema":"https://schema.example/v1",
                 "datacontenttype":"application/vnd.test+json","resource":"urn:altinn:resource:exact",
                 "resourceinstance":"inst-1","alternativesubject":"/person/x","count":-2147483648,"flag":false,
                 "label":"æøå \\u00e6","longname1234567890123456789":"long",
                 "data" : {"b": [1.50, 1e3, 12345678901234567890123], "s":"\\u00e6\\n", "z" : null }}""";

        assertThat(server.publish(event).statusCode()).isEqualTo(200);
        HttpResponse<String> response =
                server.get("/events/api/v1/events?resource=urn:altinn:resource:exact&after=0", subscriber());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains(
                "{\"b\": [1.50, 1e3, 12345678901234567890123], \"s\":\"\\u00e6\\n\", \"z\" : null }");
        JsonNode returned = json(response.body()).get(0);
        assertThat(returned).isEqualTo(json(event));
        assertThat(returned.get("count").isInt()).isTrue();
        assertThat(returned.get("flag").isBoolean()).isTrue();
        assertThat(returned.get("time").asText()).isEqualTo("2026-01-02t03:04:05.1+01:00");
    }

    @Test
    void returnsDataBase64AsPublished() {
        String event = valid("b64-1").replace("\"data\":{\"n\":1}", "\"data_base64\":\"AAECAwQ=\"")
                .replace("application/json", "application/octet-stream")
                .replace("ttd-test", "b64");

        assertThat(server.publish(event).statusCode()).isEqualTo(200);
        JsonNode returned = json(server.get("/events/api/v1/events?resource=urn:altinn:resource:b64&after=0",
                subscriber()).body()).get(0);

        assertThat(returned.get("data_base64").asText()).isEqualTo("AAECAwQ=");
        assertThat(returned.has("data")).isFalse();
    }

    @Test
    void acceptsBinaryModeWithPercentEncodedHeaders() {
        HttpResponse<String> response = server.post("application/json; charset=utf-8", "{\"a\" : [1, 2]}\n",
                publisher(),
                "ce-specversion", "1.0", "ce-id", "bin-1", "ce-source", "urn:test:binary",
                "ce-type", "binary.type", "ce-subject", "/party/%C3%A6%20%22q%22%25",
                "ce-resource", "urn:altinn:resource:binary", "ce-myext", "a+b%2Cc",
                "ce-time", "2026-11-27T10:15:30Z");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        CloudEvent stored = storedEvent("urn:altinn:resource:binary", "bin-1");
        assertThat(stored.subject()).isEqualTo("/party/æ \"q\"%");
        assertThat(stored.extensions()).containsEntry("myext", "a+b,c");
        assertThat(stored.dataContentType()).isEqualTo("application/json; charset=utf-8");
        assertThat(stored.data()).isEqualTo(new EventData.Json("{\"a\" : [1, 2]}"));
        assertThat(stored.time()).isEqualTo("2026-11-27T10:15:30Z");
    }

    @Test
    void turnsATextBodyInBinaryModeIntoAJsonString() {
        HttpResponse<String> response = server.post("text/plain", "hei \"på\" deg\n", publisher(),
                binaryHeaders("bin-text"));

        assertThat(response.statusCode()).isEqualTo(200);
        CloudEvent stored = storedEvent("urn:altinn:resource:binary", "bin-text");
        assertThat(json(((EventData.Json) stored.data()).json()).asText()).isEqualTo("hei \"på\" deg\n");
    }

    @Test
    void turnsAnOpaqueBodyInBinaryModeIntoDataBase64() {
        HttpResponse<String> response = server.post("application/octet-stream",
                HttpRequest.BodyPublishers.ofByteArray(new byte[] {0, 1, 2, (byte) 255}), publisher(),
                binaryHeaders("bin-bytes"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(storedEvent("urn:altinn:resource:binary", "bin-bytes").data())
                .isEqualTo(EventData.Base64.of(new byte[] {0, 1, 2, (byte) 255}));
    }

    @Test
    void storesNoDataForAnEmptyBinaryBody() {
        HttpResponse<String> response = server.post(null, HttpRequest.BodyPublishers.noBody(), publisher(),
                binaryHeaders("bin-empty"));

        assertThat(response.statusCode()).isEqualTo(200);
        CloudEvent stored = storedEvent("urn:altinn:resource:binary", "bin-empty");
        assertThat(stored.data()).isNull();
        assertThat(stored.dataContentType()).isNull();
    }

    @Test
    void rejectsInvalidJsonBodyInBinaryMode() {
        HttpResponse<String> response = server.post("application/json", "{not json", publisher(),
                binaryHeaders("bin-bad"));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response.body()).get("errors").has("data")).isTrue();
    }

    @Test
    void rejectsDataAsAnExtensionNameInBinaryMode() {
        String[] headers = Stream.concat(Stream.of(binaryHeaders("bin-data-ext")), Stream.of("ce-data", "x"))
                .toArray(String[]::new);

        HttpResponse<String> response = server.post("application/json", "{}", publisher(), headers);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response.body()).get("errors").has("data")).isTrue();
    }

    @Test
    void rejectsBadPercentEncodingAndMissingAttributesInBinaryMode() {
        HttpResponse<String> response = server.post("application/json", "{}", publisher(),
                "ce-specversion", "1.0", "ce-subject", "%E2%28", "ce-resource", "urn:altinn:resource:binary");

        assertThat(response.statusCode()).isEqualTo(400);
        List<String> attributes = new ArrayList<>();
        json(response.body()).get("errors").fieldNames().forEachRemaining(attributes::add);
        assertThat(attributes).containsExactlyInAnyOrder("subject", "id", "source", "type");
    }

    @Test
    void rejectsABinaryBodyLargerThanTheEventLimitWith413() {
        HttpResponse<String> response = server.post("application/octet-stream",
                HttpRequest.BodyPublishers.ofByteArray(new byte[5000]), publisher(), binaryHeaders("bin-big"));

        assertThat(response.statusCode()).isEqualTo(413);
    }

    @Test
    void acceptsEventsUpTo256KiBAndBatchesOfMegabytesByDefault() {
        try (TestServer defaults = TestServer.start()) {
            String event = valid("default-big").replace("{\"n\":1}", "\"" + "x".repeat(250_000) + "\"");
            assertThat(defaults.publish(event).statusCode()).isEqualTo(200);

            StringBuilder batch = new StringBuilder("[");
            for (int i = 0; i < 12; i++) {
                batch.append(i == 0 ? "" : ",")
                        .append(valid("default-batch-" + i).replace("{\"n\":1}", "\"" + "y".repeat(250_000) + "\""));
            }
            HttpResponse<String> response = defaults.post("application/cloudevents-batch+json",
                    batch.append("]").toString(), publisher());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);

            String tooBig = valid("default-too-big").replace("{\"n\":1}", "\"" + "x".repeat(270_000) + "\"");
            assertThat(defaults.publish(tooBig).statusCode()).isEqualTo(413);
        }
    }

    static String[] binaryHeaders(String id) {
        return new String[] {"ce-specversion", "1.0", "ce-id", id, "ce-source", "urn:test:binary",
                "ce-type", "binary.type", "ce-resource", "urn:altinn:resource:binary"};
    }

    static CloudEvent storedEvent(String resource, String id) {
        return EventStoreContract.read(server.store, EventFilter.of(resource), 0, 1000).events().stream()
                .map(StoredEvent::event).filter(e -> e.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("not stored: " + id));
    }

}
