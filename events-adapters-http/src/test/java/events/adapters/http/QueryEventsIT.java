package events.adapters.http;

import static events.adapters.http.TestServer.json;
import static events.adapters.http.TestServer.subscriber;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import events.domain.CloudEvent;
import events.ports.Caller;
import events.testkit.TestEvents;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class QueryEventsIT {
    static final String RESOURCE = "urn:altinn:resource:polling";
    static final String FILTERED = "urn:altinn:resource:filters";
    static final AtomicReference<String> baseUrl = new AtomicReference<>(TestServer.BASE_URL);
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(b -> b.baseUrl(baseUrl::get));
        Caller admin = new Caller("/org/ttd", java.util.Set.of(Caller.SCOPE_PUBLISH_ADMIN), Map.of());
        List<CloudEvent> events = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            events.add(TestEvents.anEvent().id("poll-" + i).resource(RESOURCE).build());
        }
        events.add(TestEvents.anEvent().id("f-1").resource(FILTERED).subject("/party/1").type("a.created").build());
        events.add(TestEvents.anEvent().id("f-2").resource(FILTERED).subject("/party/2").type("a.deleted").build());
        events.add(TestEvents.anEvent().id("f-3").resource(FILTERED).subject("/party/1").type("b.created")
                .extension(CloudEvent.ALTERNATIVE_SUBJECT, "/person/01017012345").build());
        events.add(TestEvents.anEvent().id("f-4").resource(FILTERED).subject("/party/1").type("a_x").build());
        server.events.publishEvents().publish(admin, events);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void followsNextAcrossPagesWithoutMissingOrRepeatingEvents() {
        List<String> ids = new ArrayList<>();
        String url = "/events/api/v1/events?resource=" + RESOURCE + "&after=0&size=3";
        List<Integer> pageSizes = new ArrayList<>();
        for (int page = 0; page < 10; page++) {
            HttpResponse<String> response = server.get(url, subscriber());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/cloudevents-batch+json");
            JsonNode events = json(response.body());
            pageSizes.add(events.size());
            events.forEach(e -> ids.add(e.get("id").asText()));
            String next = response.headers().firstValue("next").orElseThrow();
            assertThat(next).startsWith(TestServer.BASE_URL + "/events/api/v1/events?resource=" + RESOURCE + "&after=")
                    .endsWith("&size=3");
            URI nextUri = URI.create(next);
            url = nextUri.getRawPath() + "?" + nextUri.getRawQuery();
            if (events.isEmpty()) {
                break;
            }
        }
        assertThat(ids).containsExactly("poll-1", "poll-2", "poll-3", "poll-4", "poll-5", "poll-6", "poll-7");
        assertThat(pageSizes).containsExactly(3, 3, 1, 0);
    }

    @Test
    void givesANextLinkOnAnEmptyPage() {
        HttpResponse<String> response =
                server.get("/events/api/v1/events?resource=urn:altinn:resource:nothing&after=0", subscriber());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("[]");
        assertThat(response.headers().firstValue("next").orElseThrow())
                .matches(java.util.regex.Pattern.quote(TestServer.BASE_URL
                        + "/events/api/v1/events?resource=urn:altinn:resource:nothing&after=") + "c1\\.[A-Za-z0-9_-]+");
    }

    @Test
    void asksForTheBaseUrlOnEveryRequest() {
        baseUrl.set("https://other.example/");
        try {
            HttpResponse<String> response = server.get("/events/api/v1/events?resource=" + RESOURCE + "&after=0",
                    subscriber());
            assertThat(response.headers().firstValue("next").orElseThrow())
                    .startsWith("https://other.example/events/api/v1/events?");
        } finally {
            baseUrl.set(TestServer.BASE_URL);
        }
    }

    @Test
    void filtersBySubject() {
        assertThat(ids("&subject=/party/1")).containsExactly("f-1", "f-3", "f-4");
    }

    @Test
    void filtersByRepeatedTypesWithLikeWildcards() {
        assertThat(ids("&type=a.%25&type=b.created")).containsExactly("f-1", "f-2", "f-3");
        assertThat(ids("&type=a_x")).containsExactly("f-4");
        assertThat(ids("&type=a_created")).containsExactly("f-1");
    }

    @Test
    void keepsFiltersInTheNextLink() {
        HttpResponse<String> response = server.get("/events/api/v1/events?resource=" + FILTERED
                + "&after=0&subject=/party/1&type=a.%25&type=x%20y&size=2", subscriber());

        assertThat(response.headers().firstValue("next").orElseThrow()).matches(java.util.regex.Pattern.quote(
                TestServer.BASE_URL + "/events/api/v1/events?resource=" + FILTERED + "&after=") + "c1\\.[A-Za-z0-9_-]+"
                + java.util.regex.Pattern.quote("&subject=/party/1&type=a.%25&type=x%20y&size=2"));
    }

    @Test
    void filtersByAlternativeSubjectHeader() {
        HttpResponse<String> response = server.get("/events/api/v1/events?resource=" + FILTERED + "&after=0",
                subscriber(), "Altinn-AlternativeSubject", "/person/01017012345");

        assertThat(json(response.body()).findValuesAsText("id")).containsExactly("f-3");
    }

    @Test
    void rejectsSubjectCombinedWithAlternativeSubject() {
        HttpResponse<String> response = server.get("/events/api/v1/events?resource=" + FILTERED
                + "&after=0&subject=/party/1", subscriber(), "Altinn-AlternativeSubject", "/person/1");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response.body()).get("errors").has("subject")).isTrue();
    }

    @Test
    void rejectsBadQueryParametersNamingEachOne() {
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("after=0", "resource");
        cases.put("resource=" + RESOURCE, "after");
        cases.put("resource=" + RESOURCE + "&after=-1", "after");
        cases.put("resource=" + RESOURCE + "&after=abc", "after");
        cases.put("resource=" + RESOURCE + "&after=c1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "after");
        cases.put("resource=" + RESOURCE + "&after=0&type=" + "%25a".repeat(9), "type");
        cases.put("resource=" + RESOURCE + "&after=0" + "&type=a".repeat(21), "type");
        cases.put("resource=" + RESOURCE + "&after=99999999999999999999", "after");
        cases.put("resource=" + RESOURCE + "&after=0&size=0", "size");
        cases.put("resource=" + RESOURCE + "&after=0&size=1001", "size");
        cases.put("resource=" + RESOURCE + "&after=0&size=ten", "size");
        cases.put("resource=" + RESOURCE + "&after=0&type=", "type");
        cases.forEach((query, attribute) -> {
            HttpResponse<String> response = server.get("/events/api/v1/events?" + query, subscriber());
            assertThat(response.statusCode()).as(query).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(json(response.body()).get("errors").has(attribute)).as(query + " " + response.body()).isTrue();
        });
    }

    @Test
    void acceptsTheLargestPageSize() {
        assertThat(server.get("/events/api/v1/events?resource=" + RESOURCE + "&after=0&size=1000", subscriber())
                .statusCode()).isEqualTo(200);
    }

    private static List<String> ids(String filters) {
        HttpResponse<String> response =
                server.get("/events/api/v1/events?resource=" + FILTERED + "&after=0" + filters, subscriber());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response.body()).findValuesAsText("id");
    }
}
