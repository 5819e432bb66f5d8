package events.server;

import static events.server.EventsHttpClient.ADMIN;
import static events.server.EventsHttpClient.PUBLISH;
import static events.server.EventsHttpClient.PUBLISH_ADMIN;
import static events.server.EventsHttpClient.SUBSCRIBE;
import static events.server.EventsHttpClient.assertProblem;
import static events.server.EventsHttpClient.event;
import static events.server.EventsHttpClient.ids;
import static events.server.EventsHttpClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * XACML authorization over real HTTP (SPEC sections 4 and 7), with the example policy shipped in
 * {@code examples/policies}: org ttd may publish to {@value #RESOURCE}; org digdir may see its events about
 * {@code /party/1337}; nobody else may do anything.
 */
class AuthorizationTest {
    static final String RESOURCE = "urn:altinn:resource:ttd-svc";
    static final String NO_POLICY = "urn:altinn:resource:no-policy";

    @TempDir
    Path dataDir;

    private EventsServer server;
    private EventsHttpClient api;

    @BeforeEach
    void startServerWithTheExamplePolicies() {
        server = EventsServer.start(ServerSettings.from(Map.of(), List.of("--port", "0", "--data-dir",
                dataDir.toString(), "--policy-dir", EventsServerTest.EXAMPLE_POLICIES.toString())));
        api = new EventsHttpClient(server.baseUrl());
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private String token(String org, String scopes) {
        return EventsHttpClient.token(dataDir, org, scopes);
    }

    // ------------------------------------------------------------------ publish

    @Test
    void publishingWithoutAGrantIsForbiddenAndStoresNothing() {
        HttpResponse<String> refused = api.publish(token("nav", PUBLISH), event("from-nav", RESOURCE, "/party/1337"));

        JsonNode problem = assertProblem(refused, 403, "forbidden");
        assertThat(problem.path("detail").asText()).contains(RESOURCE);
        // An event digdir may see, published after the refused one: the poll below can see events like it.
        assertThat(api.publish(token("ttd", PUBLISH), event("from-ttd", RESOURCE, "/party/1337")).statusCode())
                .isEqualTo(200);
        assertThat(api.pollIds(token("digdir", SUBSCRIBE), RESOURCE)).containsExactly("from-ttd");
    }

    @Test
    void aBatchWithOneForbiddenEventIsRefusedWhole() {
        String ttd = token("ttd", PUBLISH);
        HttpResponse<String> refused = api.publishBatch(ttd, List.of(
                event("b1", RESOURCE, "/party/1337"),
                event("b2", NO_POLICY, "/party/1337"),
                event("b3", RESOURCE, "/party/1337")));

        JsonNode problem = assertProblem(refused, 403, "forbidden");
        assertThat(problem.path("detail").asText()).contains(NO_POLICY);
        // Make both resources' events visible to somebody, then publish one event to each that must show up.
        assertThat(api.putPolicy(token("ops", ADMIN), NO_POLICY, TestPolicies.permitOrg("auditor")).statusCode())
                .isEqualTo(201);
        assertThat(api.publish(ttd, event("after-1", RESOURCE, "/party/1337")).statusCode()).isEqualTo(200);
        assertThat(api.publish(token("auditor", PUBLISH), event("after-2", NO_POLICY, "/party/1337")).statusCode())
                .isEqualTo(200);
        assertThat(api.pollIds(token("digdir", SUBSCRIBE), RESOURCE)).containsExactly("after-1");
        assertThat(api.pollIds(token("auditor", SUBSCRIBE), NO_POLICY)).containsExactly("after-2");
    }

    @Test
    void thePublishAdminScopeBypassesThePolicy() {
        String publishAdmin = token("nav", PUBLISH_ADMIN);

        assertThat(api.publish(publishAdmin, event("admin-1", NO_POLICY, "/party/1337")).statusCode()).isEqualTo(200);
        assertThat(api.publish(publishAdmin, event("admin-2", RESOURCE, "/party/1337")).statusCode()).isEqualTo(200);

        assertThat(api.pollIds(token("digdir", SUBSCRIBE), RESOURCE)).containsExactly("admin-2");
        assertThat(api.putPolicy(token("ops", ADMIN), NO_POLICY, TestPolicies.permitOrg("auditor")).statusCode())
                .isEqualTo(201);
        assertThat(api.pollIds(token("auditor", SUBSCRIBE), NO_POLICY)).containsExactly("admin-1");
    }

    @Test
    void publishingToAResourceWithoutAPolicyIsForbidden() {
        HttpResponse<String> refused = api.publish(token("ttd", PUBLISH), event("x", NO_POLICY, "/party/1337"));

        assertThat(assertProblem(refused, 403, "forbidden").path("detail").asText()).contains(NO_POLICY);
    }

    // ------------------------------------------------------------------ poll

    @Test
    void noEventOfAnotherPartyLeaksIntoPolledPages() {
        String ttd = token("ttd", PUBLISH);
        List<String> expected = new ArrayList<>();
        for (int batch = 0; batch < 3; batch++) {
            List<String> events = new ArrayList<>();
            for (int i = batch * 100; i < batch * 100 + 100; i++) {
                String subject = i % 13 == 0 ? null : "/party/" + (1330 + i % 10);
                events.add(event("e" + i, RESOURCE, subject));
                if ("/party/1337".equals(subject)) {
                    expected.add("e" + i);
                }
            }
            assertThat(api.publishBatch(ttd, events).statusCode()).isEqualTo(200);
        }

        List<List<JsonNode>> pages = api.pollPages(token("digdir", SUBSCRIBE), RESOURCE, 7);

        for (List<JsonNode> page : pages) {
            for (JsonNode e : page) {
                assertThat(e.path("subject").asText()).as("subject of %s", e.path("id")).isEqualTo("/party/1337");
                assertThat(e.path("resource").asText()).isEqualTo(RESOURCE);
            }
        }
        assertThat(ids(pages)).as("each permitted event once, in order").containsExactlyElementsOf(expected);
        assertThat(pages.subList(0, pages.size() - 2)).as("pages before the last non-empty one are full")
                .allSatisfy(page -> assertThat(page).hasSize(7));
        assertThat(pages.get(pages.size() - 1)).isEmpty();
    }

    @Test
    void aSubjectFilterCannotWidenWhatTheCallerMaySee() {
        String ttd = token("ttd", PUBLISH);
        assertThat(api.publish(ttd, event("p1338", RESOURCE, "/party/1338")).statusCode()).isEqualTo(200);
        assertThat(api.publish(ttd, event("p1337", RESOURCE, "/party/1337")).statusCode()).isEqualTo(200);
        String digdir = token("digdir", SUBSCRIBE);

        HttpResponse<String> other = api.poll(digdir, RESOURCE, "&subject=/party/1338");
        HttpResponse<String> own = api.poll(digdir, RESOURCE, "&subject=/party/1337");

        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(other.body()).isEqualTo("[]");
        assertThat(ids(List.of(listOf(json(own.body()))))).containsExactly("p1337");
    }

    /**
     * The leak this closes: {@code next} pointed past the hidden events examined, so a caller with no grant told
     * a subject with events ({@code after=20}) from one without ({@code after=0}), and with type wildcards learnt
     * their types a character at a time. Now both links are sealed, fresh each time, and look alike.
     */
    @Test
    void aCallerWithoutAnyGrantLearnsNothingFromTheNextLink() {
        String ttd = token("ttd", PUBLISH);
        for (int i = 0; i < 20; i++) {
            assertThat(api.publish(ttd, event("e" + i, RESOURCE, "/party/1337")).statusCode()).isEqualTo(200);
        }
        String nav = token("nav", SUBSCRIBE);

        HttpResponse<String> withEvents = api.poll(nav, RESOURCE, "&subject=/party/1337&type=a%25");
        HttpResponse<String> without = api.poll(nav, RESOURCE, "&subject=/party/4242&type=a%25");

        for (HttpResponse<String> page : List.of(withEvents, without)) {
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).isEqualTo("[]");
            assertThat(page.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/cloudevents-batch+json"));
        }
        String afterEvents = cursorOf(withEvents);
        String afterNothing = cursorOf(without);
        assertThat(afterEvents).matches("c1\\.[A-Za-z0-9_-]{55}");
        assertThat(afterNothing).matches("c1\\.[A-Za-z0-9_-]{55}");
        HttpResponse<String> following = api.getUrl(withEvents.headers().firstValue("next").orElseThrow(), nav);
        assertThat(following.statusCode()).isEqualTo(200);
        assertThat(following.body()).isEqualTo("[]");
        assertThat(cursorOf(following)).isNotEqualTo(afterEvents).matches("c1\\.[A-Za-z0-9_-]{55}");
    }

    private static String cursorOf(HttpResponse<String> page) {
        String next = page.headers().firstValue("next").orElseThrow();
        java.util.regex.Matcher after = java.util.regex.Pattern.compile("[?&]after=([^&]*)").matcher(next);
        assertThat(after.find()).as(next).isTrue();
        return after.group(1);
    }

    /**
     * One poll examines at most 10 000 events (events-core's default {@code maxScanPerQuery}): behind 10 050
     * hidden events, the first page is empty but its {@code next} link continues past them.
     */
    @Test
    void aPollStopsScanningAfterTheBoundAndItsNextLinkContinuesBehindIt() {
        String ttd = token("ttd", PUBLISH);
        for (int batch = 0; batch < 10; batch++) {
            List<String> hidden = new ArrayList<>(1005);
            for (int i = 0; i < 1005; i++) {
                hidden.add(event("h" + batch + "-" + i, RESOURCE, "/party/1"));
            }
            assertThat(api.publishBatch(ttd, hidden).statusCode()).isEqualTo(200);
        }
        assertThat(api.publish(ttd, event("visible", RESOURCE, "/party/1337")).statusCode()).isEqualTo(200);
        String digdir = token("digdir", SUBSCRIBE);

        HttpResponse<String> first = api.poll(digdir, RESOURCE, "&size=50");

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).isEqualTo("[]");
        HttpResponse<String> second = api.getUrl(first.headers().firstValue("next").orElseThrow(), digdir);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(ids(List.of(listOf(json(second.body()))))).containsExactly("visible");
    }

    // ------------------------------------------------------------------ subscribe

    @Test
    void creatingWithoutAGrantGetsTheSame403WhateverTheEndpointSoItRevealsNoAddress() {
        String nav = token("nav", SUBSCRIBE);

        HttpResponse<String> loopback = api.createSubscription(nav, subscription("https://localhost/hook", null));
        HttpResponse<String> publicLooking =
                api.createSubscription(nav, subscription("https://hooks.example.com/hook", null));

        JsonNode problem = assertProblem(loopback, 403, "forbidden");
        assertThat(problem.path("detail").asText()).contains(RESOURCE).doesNotContain("localhost", "127.0.0.1");
        assertThat(publicLooking.statusCode()).isEqualTo(403);
        assertThat(publicLooking.body()).isEqualTo(loopback.body());
    }

    @Test
    void creatingWithAGrantStillChecksTheEndpointsAddresses() {
        HttpResponse<String> refused = api.createSubscription(token("digdir", SUBSCRIBE),
                subscription("https://localhost/hook", "/party/1337"));

        assertProblem(refused, 400, "invalid-request");
        assertThat(json(refused.body()).path("errors").path("endPoint").toString()).contains("localhost", "loopback");
    }

    private static String subscription(String endPoint, String subject) {
        return """
                {"endPoint":"%s","resourceFilter":"%s"%s}""".formatted(endPoint, RESOURCE,
                subject == null ? "" : ",\"subjectFilter\":\"" + subject + "\"");
    }

    // ------------------------------------------------------------------ authentication and scopes

    /** A subscription id nobody has: without the scope the answer is 403, not the 404 an unknown id would get. */
    static final String SOME_SUBSCRIPTION = "5f0c6b3e-2a47-4d1e-9c8b-7d2e4f1a0b93";

    /** Every protected endpoint, with a token that is valid but lacks the scope the endpoint needs. */
    enum Endpoint {
        PUBLISH_EVENT(PUBLISH, SUBSCRIBE + " " + ADMIN,
                (api, token) -> api.publish(token, event("x", RESOURCE, "/party/1337"))),
        POLL(SUBSCRIBE, PUBLISH + " " + PUBLISH_ADMIN + " " + ADMIN,
                (api, token) -> api.poll(token, RESOURCE, "")),
        PUT_POLICY(ADMIN, PUBLISH + " " + PUBLISH_ADMIN + " " + SUBSCRIBE,
                (api, token) -> api.putPolicy(token, NO_POLICY, TestPolicies.permitOrg("nav"))),
        GET_POLICY(ADMIN, PUBLISH + " " + PUBLISH_ADMIN + " " + SUBSCRIBE,
                (api, token) -> api.getPolicy(token, RESOURCE)),
        DELETE_POLICY(ADMIN, PUBLISH + " " + PUBLISH_ADMIN + " " + SUBSCRIBE,
                (api, token) -> api.deletePolicy(token, RESOURCE)),
        LIST_POLICIES(ADMIN, PUBLISH + " " + PUBLISH_ADMIN + " " + SUBSCRIBE,
                (api, token) -> api.listPolicies(token)),
        CREATE_SUBSCRIPTION(SUBSCRIBE, PUBLISH + " " + PUBLISH_ADMIN + " " + ADMIN,
                (api, token) -> api.createSubscription(token, subscription("https://hooks.example.com/hook", null))),
        LIST_SUBSCRIPTIONS(SUBSCRIBE, PUBLISH + " " + PUBLISH_ADMIN + " " + ADMIN,
                (api, token) -> api.subscriptions("GET", "", token)),
        GET_SUBSCRIPTION(SUBSCRIBE, PUBLISH + " " + PUBLISH_ADMIN + " " + ADMIN,
                (api, token) -> api.subscriptions("GET", "/" + SOME_SUBSCRIPTION, token)),
        DELETE_SUBSCRIPTION(SUBSCRIBE, PUBLISH + " " + PUBLISH_ADMIN + " " + ADMIN,
                (api, token) -> api.subscriptions("DELETE", "/" + SOME_SUBSCRIPTION, token)),
        ROTATE_SECRET(SUBSCRIBE, PUBLISH + " " + PUBLISH_ADMIN + " " + ADMIN,
                (api, token) -> api.subscriptions("POST", "/" + SOME_SUBSCRIPTION + "/secret/rotate", token)),
        LIST_DELIVERIES(SUBSCRIBE, PUBLISH + " " + PUBLISH_ADMIN + " " + ADMIN,
                (api, token) -> api.subscriptions("GET", "/" + SOME_SUBSCRIPTION + "/deliveries", token)),
        LIST_DEAD_LETTERS(SUBSCRIBE, PUBLISH + " " + PUBLISH_ADMIN + " " + ADMIN,
                (api, token) -> api.subscriptions("GET", "/" + SOME_SUBSCRIPTION + "/deadletters", token)),
        REDRIVE_DEAD_LETTERS(SUBSCRIBE, PUBLISH + " " + PUBLISH_ADMIN + " " + ADMIN,
                (api, token) -> api.subscriptions("POST", "/" + SOME_SUBSCRIPTION + "/deadletters/redrive", token));

        final String requiredScope;
        final String otherScopes;
        final BiFunction<EventsHttpClient, String, HttpResponse<String>> call;

        Endpoint(String requiredScope, String otherScopes, BiFunction<EventsHttpClient, String, HttpResponse<String>> call) {
            this.requiredScope = requiredScope;
            this.otherScopes = otherScopes;
            this.call = call;
        }
    }

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void withoutATokenTheAnswerIs401(Endpoint endpoint) {
        HttpResponse<String> response = endpoint.call.apply(api, null);

        assertProblem(response, 401, "unauthenticated");
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                challenge -> assertThat(challenge).startsWith("Bearer"));
    }

    @ParameterizedTest
    @EnumSource(Endpoint.class)
    void withoutTheScopeTheAnswerIs403InsufficientScope(Endpoint endpoint) {
        HttpResponse<String> response = endpoint.call.apply(api, token("ttd", endpoint.otherScopes));

        assertProblem(response, 403, "insufficient-scope");
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                challenge -> assertThat(challenge).contains("insufficient_scope", endpoint.requiredScope));
        // Nothing changed: the example policy is still there and enforced, and nothing was published.
        assertThat(api.getPolicy(token("ops", ADMIN), RESOURCE).statusCode()).isEqualTo(200);
        assertThat(api.getPolicy(token("ops", ADMIN), NO_POLICY).statusCode()).isEqualTo(404);
        assertThat(api.pollIds(token("digdir", SUBSCRIBE), RESOURCE)).isEmpty();
    }

    private static List<JsonNode> listOf(JsonNode array) {
        List<JsonNode> list = new ArrayList<>();
        array.forEach(list::add);
        return list;
    }
}
