package events.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real HTTP client (java.net.http) for the Events API of a server under test, and the assertions the API
 * tests share: problem+json bodies, following {@code next} links.
 */
final class EventsHttpClient {
    static final String PUBLISH = "altinn:events.publish";
    static final String PUBLISH_ADMIN = "altinn:events.publish.admin";
    static final String SUBSCRIBE = "altinn:events.subscribe";
    static final String ADMIN = "altinn:events.admin";

    static final String EVENTS_PATH = "/events/api/v1/events";
    static final String POLICIES_PATH = "/events/api/v1/policies";
    static final String SUBSCRIPTIONS_PATH = "/events/api/v1/subscriptions";

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;

    EventsHttpClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** A token signed with the server's secret in {@code dataDir/jwt-secret}, as the {@code token} command mints it. */
    static String token(Path dataDir, String org, String scopes) {
        return Main.token(List.of("--org", org, "--scope", scopes, "--data-dir", dataDir.toString()));
    }

    /** A structured-mode event of {@code resource}; {@code subject} may be null. */
    static String event(String id, String resource, String subject) {
        return """
                {"specversion":"1.0","id":"%s","source":"https://ttd.example/app","type":"app.created",\
                "resource":"%s"%s,"time":"2026-11-27T10:00:00Z","data":{"n":1}}"""
                .formatted(id, resource, subject == null ? "" : ",\"subject\":\"" + subject + "\"");
    }

    // ------------------------------------------------------------------ events

    HttpResponse<String> publish(String token, String event) {
        return send(request(EVENTS_PATH, token).header("Content-Type", "application/cloudevents+json")
                .POST(HttpRequest.BodyPublishers.ofString(event)));
    }

    HttpResponse<String> publishBatch(String token, List<String> events) {
        return send(request(EVENTS_PATH, token).header("Content-Type", "application/cloudevents-batch+json")
                .POST(HttpRequest.BodyPublishers.ofString("[" + String.join(",", events) + "]")));
    }

    /** {@code GET /events?resource=..&after=0} plus {@code query} (e.g. {@code &size=7}, or empty). */
    HttpResponse<String> poll(String token, String resource, String query) {
        return send(request(EVENTS_PATH + "?resource=" + resource + "&after=0" + query, token).GET());
    }

    /** GET of an absolute URL, such as a {@code next} link. */
    HttpResponse<String> getUrl(String url, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request.GET());
    }

    /**
     * Polls from the start, following {@code next} until a page is empty; every page must be a 200 with a
     * {@code next} link and at most {@code size} events. Returns the pages, the final empty one included.
     */
    List<List<JsonNode>> pollPages(String token, String resource, int size) {
        List<List<JsonNode>> pages = new ArrayList<>();
        String url = baseUrl + EVENTS_PATH + "?resource=" + resource + "&after=0&size=" + size;
        for (int n = 0; n < 10_000; n++) {
            HttpResponse<String> page = getUrl(url, token);
            assertThat(page.statusCode()).as("page %d: %s", n, page.body()).isEqualTo(200);
            assertThat(page.headers().firstValue("next")).as("next link of page %d", n).isPresent();
            List<JsonNode> events = new ArrayList<>();
            json(page.body()).forEach(events::add);
            assertThat(events).as("page %d", n).hasSizeLessThanOrEqualTo(size);
            pages.add(events);
            if (events.isEmpty()) {
                return pages;
            }
            url = page.headers().firstValue("next").orElseThrow();
        }
        throw new AssertionError("more than 10 000 pages");
    }

    /** The ids of the events of all pages, in order. */
    static List<String> ids(List<List<JsonNode>> pages) {
        List<String> ids = new ArrayList<>();
        pages.forEach(page -> page.forEach(e -> ids.add(e.path("id").asText())));
        return ids;
    }

    /** The ids of everything {@code token} can poll from {@code resource}. */
    List<String> pollIds(String token, String resource) {
        return ids(pollPages(token, resource, 100));
    }

    // ------------------------------------------------------------------ subscriptions

    /** {@code POST /subscriptions} with {@code subscription} as its JSON body. */
    HttpResponse<String> createSubscription(String token, String subscription) {
        return send(request(SUBSCRIPTIONS_PATH, token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(subscription)));
    }

    /** {@code method} without a body on {@code /subscriptions} followed by {@code path} (empty, or {@code /{id}/...}). */
    HttpResponse<String> subscriptions(String method, String path, String token) {
        return send(request(SUBSCRIPTIONS_PATH + path, token).method(method, HttpRequest.BodyPublishers.noBody()));
    }

    // ------------------------------------------------------------------ policies

    HttpResponse<String> putPolicy(String token, String resource, String document) {
        return putPolicy(token, resource, "application/xml", document.getBytes(StandardCharsets.UTF_8));
    }

    HttpResponse<String> putPolicy(String token, String resource, String contentType, byte[] body) {
        HttpRequest.Builder request = request(POLICIES_PATH + "/" + resource, token)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return send(request);
    }

    HttpResponse<String> getPolicy(String token, String resource) {
        return send(request(POLICIES_PATH + "/" + resource, token).GET());
    }

    HttpResponse<byte[]> getPolicyBytes(String token, String resource) {
        try {
            return HTTP.send(request(POLICIES_PATH + "/" + resource, token).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> deletePolicy(String token, String resource) {
        return send(request(POLICIES_PATH + "/" + resource, token).DELETE());
    }

    HttpResponse<String> listPolicies(String token) {
        return send(request(POLICIES_PATH, token).GET());
    }

    // ------------------------------------------------------------------ assertions

    static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    /**
     * Asserts an RFC 7807 problem: the status, Content-Type {@code application/problem+json}, a {@code type}
     * ending in {@code :typeSlug}, the same {@code status} in the body; returns the body.
     */
    static JsonNode assertProblem(HttpResponse<String> response, int status, String typeSlug) {
        assertThat(response.statusCode()).as("status of %s: %s", response.request().uri(), response.body())
                .isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).as("Content-Type")
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/problem+json"));
        JsonNode problem = json(response.body());
        assertThat(problem.path("type").asText()).as("problem type in %s", response.body()).endsWith(":" + typeSlug);
        assertThat(problem.path("status").asInt()).as("problem status").isEqualTo(status);
        assertThat(problem.path("title").asText()).as("problem title").isNotBlank();
        return problem;
    }

    // ------------------------------------------------------------------ plumbing

    private HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request;
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
