package events.adapters.http;

import static events.adapters.http.TestServer.json;
import static events.adapters.http.TestServer.publisher;
import static org.assertj.core.api.Assertions.assertThat;

import events.domain.CloudEvent;
import events.domain.UnableToStoreEventException;
import events.ports.Caller;
import events.ports.PublishEvents;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The bound on publishes waiting for storage: past it a clean 503, and every slot comes back. */
class PublishAdmissionIT {

    /** Storage whose commits complete only when the test says so. */
    static final class GatedStorage implements PublishEvents {
        record Pending(List<CloudEvent> events, CompletableFuture<Void> done) {
        }

        final BlockingQueue<Pending> pending = new LinkedBlockingQueue<>();

        @Override
        public void publish(Caller caller, List<CloudEvent> events) {
            throw new AssertionError("the API must not block on storage");
        }

        @Override
        public CompletableFuture<Void> publishAsync(Caller caller, List<CloudEvent> events) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            pending.add(new Pending(events, done));
            return done;
        }

        Pending next() throws InterruptedException {
            Pending p = pending.poll(10, TimeUnit.SECONDS);
            assertThat(p).as("a publish reached storage").isNotNull();
            return p;
        }
    }

    private static CompletableFuture<HttpResponse<String>> publishAsync(TestServer server, String id) {
        HttpRequest request = HttpRequest.newBuilder(server.uri("/events/api/v1/events"))
                .header("Content-Type", "application/cloudevents+json")
                .header("Authorization", "Bearer " + publisher())
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(PublishEventsIT.VALID.formatted(id)))
                .build();
        return server.http.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static void assertOverloaded(HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(json(response.body()).get("type").asText()).isEqualTo("urn:events:problem:overloaded");
        assertThat(json(response.body()).get("detail").asText()).contains("not stored");
    }

    @Test
    void refusesPublishesPastTheBoundWith503AndAdmitsAgainOnceStorageAnswers() throws Exception {
        GatedStorage storage = new GatedStorage();
        try (TestServer server = TestServer.start(b -> b.publishEvents(storage).maxPublishesInFlight(2))) {
            CompletableFuture<HttpResponse<String>> a = publishAsync(server, "a");
            GatedStorage.Pending first = storage.next();
            CompletableFuture<HttpResponse<String>> b = publishAsync(server, "b");
            GatedStorage.Pending second = storage.next();

            assertOverloaded(server.publish(PublishEventsIT.VALID.formatted("c")));
            assertThat(storage.pending).as("the refused publish never reached storage").isEmpty();
            assertThat(a).isNotDone();

            first.done().complete(null);
            assertThat(a.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            CompletableFuture<HttpResponse<String>> d = publishAsync(server, "d");
            GatedStorage.Pending third = storage.next();
            assertThat(third.events().get(0).id()).isEqualTo("d");
            assertOverloaded(server.publish(PublishEventsIT.VALID.formatted("e")));

            second.done().complete(null);
            third.done().complete(null);
            assertThat(b.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(d.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void boundsTheBytesInFlightButAdmitsAnyPublishWhenNoneIsWaiting() throws Exception {
        GatedStorage storage = new GatedStorage();
        int oneEvent = PublishEventsIT.VALID.formatted("a").getBytes(StandardCharsets.UTF_8).length;
        try (TestServer server = TestServer.start(b -> b.publishEvents(storage).maxPublishBytesInFlight(oneEvent / 2))) {
            CompletableFuture<HttpResponse<String>> a = publishAsync(server, "a");
            GatedStorage.Pending first = storage.next();

            assertOverloaded(server.publish(PublishEventsIT.VALID.formatted("b")));

            first.done().complete(null);
            assertThat(a.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            CompletableFuture<HttpResponse<String>> c = publishAsync(server, "c");
            storage.next().done().complete(null);
            assertThat(c.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void givesTheSlotBackWhenStorageFailsOrTheEventIsInvalid() throws Exception {
        GatedStorage storage = new GatedStorage();
        try (TestServer server = TestServer.start(b -> b.publishEvents(storage).maxPublishesInFlight(1))) {
            CompletableFuture<HttpResponse<String>> a = publishAsync(server, "a");
            storage.next().done().completeExceptionally(new UnableToStoreEventException("db down", null));
            HttpResponse<String> failed = a.get(10, TimeUnit.SECONDS);
            assertThat(failed.statusCode()).isEqualTo(503);
            assertThat(json(failed.body()).get("type").asText()).isEqualTo("urn:events:problem:unavailable");

            HttpResponse<String> invalid = server.publish(PublishEventsIT.VALID.formatted("b").replace("\"source\"",
                    "\"sauce\""));
            assertThat(invalid.statusCode()).isEqualTo(400);

            CompletableFuture<HttpResponse<String>> c = publishAsync(server, "c");
            GatedStorage.Pending admitted = storage.next();
            assertThat(admitted.events().get(0).id()).isEqualTo("c");
            admitted.done().complete(null);
            assertThat(c.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
    }
}
