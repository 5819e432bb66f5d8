package events.adapters.http;

import static events.adapters.http.TestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import events.ports.Caller;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SubscriptionsIT {
    static final String PATH = "/events/api/v1/subscriptions";
    static final String RESOURCE = "urn:altinn:resource:ttd-svc";
    static final InMemoryManageSubscriptions subscriptions = new InMemoryManageSubscriptions();
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(b -> b.manageSubscriptions(subscriptions));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void createsASubscriptionWith201LocationAndSecret() {
        HttpResponse<String> response = create("{\"endPoint\":\"https://hooks.example.com/a\",\"resourceFilter\":\""
                + RESOURCE + "\",\"subjectFilter\":\"/party/1337\",\"typeFilter\":\"app.instance.created\"}");

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode body = json(response.body());
        String id = body.get("id").asText();
        assertThat(UUID.fromString(id).toString()).isEqualTo(id);
        assertThat(response.headers().firstValue("Location")).hasValue(TestServer.BASE_URL + PATH + "/" + id);
        assertThat(body.get("secret").asText()).startsWith("whsec_");
        assertThat(body.get("endPoint").asText()).isEqualTo("https://hooks.example.com/a");
        assertThat(body.get("resourceFilter").asText()).isEqualTo(RESOURCE);
        assertThat(body.get("subjectFilter").asText()).isEqualTo("/party/1337");
        assertThat(body.get("typeFilter").asText()).isEqualTo("app.instance.created");
        assertThat(body.get("sourceFilter").isNull()).isTrue();
        assertThat(body.get("alternativeSubjectFilter").isNull()).isTrue();
        assertThat(body.get("filters").isArray()).isTrue();
        assertThat(body.get("filters").size()).isZero();
        assertThat(body.get("consumer").asText()).isEqualTo("/org/ttd");
        assertThat(body.get("createdBy").asText()).isEqualTo("/org/ttd");
        assertThat(body.get("created").asText()).isEqualTo("2026-11-27T10:15:30Z");
        assertThat(body.get("validated").isNull()).isTrue();
        assertThat(body.get("status").asText()).isEqualTo("pending");

        JsonNode read = json(server.get(PATH + "/" + id, TestServer.subscriber()).body());
        assertThat(read.has("secret")).isFalse();
        assertThat(read.get("id").asText()).isEqualTo(id);
    }

    @Test
    void identicalRePostGives201WithTheSameIdAndNoSecret() {
        String request = "{\"endPoint\":\"https://hooks.example.com/same\",\"resourceFilter\":\"" + RESOURCE + "\"}";
        JsonNode first = json(create(request).body());

        HttpResponse<String> again = create(request);

        assertThat(again.statusCode()).isEqualTo(201);
        JsonNode second = json(again.body());
        assertThat(second.get("id").asText()).isEqualTo(first.get("id").asText());
        assertThat(second.has("secret")).isFalse();
        assertThat(again.headers().firstValue("Location"))
                .hasValue(TestServer.BASE_URL + PATH + "/" + first.get("id").asText());
    }

    @Test
    void namesBothMissingRequiredFields() {
        HttpResponse<String> response = create("{\"subjectFilter\":\"/party/1\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode errors = json(response.body()).get("errors");
        assertThat(errors.has("endPoint")).isTrue();
        assertThat(errors.has("resourceFilter")).isTrue();
    }

    @Test
    void namesFieldsOfTheWrongJsonTypeOnce() {
        HttpResponse<String> response = create("{\"endPoint\":42,\"resourceFilter\":\"" + RESOURCE
                + "\",\"typeFilter\":[\"a\"],\"filters\":{}}");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode errors = json(response.body()).get("errors");
        assertThat(errors.get("endPoint")).hasSize(1);
        assertThat(errors.get("endPoint").get(0).asText()).isEqualTo("must be a string, not a number");
        assertThat(errors.get("typeFilter").get(0).asText()).isEqualTo("must be a string, not an array");
        assertThat(errors.get("filters").get(0).asText()).isEqualTo("must be an array of filters, not an object");
    }

    @Test
    void ignoresUnknownTopLevelFields() {
        HttpResponse<String> response = create("{\"endPoint\":\"https://hooks.example.com/extra\",\"resourceFilter\":\""
                + RESOURCE + "\",\"id\":\"x\",\"somethingNew\":{\"a\":1}}");

        assertThat(response.statusCode()).isEqualTo(201);
    }

    @Test
    void roundTripsEveryFilterDialect() {
        String filters = "[{\"exact\":{\"type\":\"app.instance.created\",\"source\":\"https://ttd.apps.example/app\"}},"
                + "{\"prefix\":{\"subject\":\"/party/\"}},"
                + "{\"suffix\":{\"type\":\".created\"}},"
                + "{\"all\":[{\"exact\":{\"type\":\"a\"}},{\"not\":{\"prefix\":{\"subject\":\"/org/\"}}}]},"
                + "{\"any\":[{\"sql\":\"type = 'a'\"},{\"suffix\":{\"source\":\"/app\"}}]},"
                + "{\"not\":{\"exact\":{\"resourceinstance\":\"1337/abc\"}}},"
                + "{\"sql\":\"subject LIKE '/party/%' AND EXISTS alternativesubject\"}]";
        HttpResponse<String> created = create("{\"endPoint\":\"https://hooks.example.com/filters\",\"resourceFilter\":\""
                + RESOURCE + "\",\"filters\":" + filters + "}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = json(created.body()).get("id").asText();

        JsonNode read = json(server.get(PATH + "/" + id, TestServer.subscriber()).body());

        assertThat(read.get("filters")).isEqualTo(json(filters));
        assertThat(json(created.body()).get("filters")).isEqualTo(json(filters));
    }

    @Test
    void refusesAnUnknownDialectNamingFilters() {
        HttpResponse<String> response = createWithFilters("[{\"exact\":{\"type\":\"a\"}},{\"regex\":{\"type\":\".*\"}}]");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response.body()).get("errors").get("filters").get(0).asText())
                .isEqualTo("filters[1]: unknown dialect \"regex\"; use exact, prefix, suffix, all, any, not or sql");
    }

    @Test
    void refusesMalformedFiltersSayingWhatIsWrong() {
        Map<String, String> cases = Map.of(
                "[{\"exact\":{\"type\":\"a\"},\"prefix\":{\"type\":\"b\"}}]",
                "filters[0]: must have exactly one member, its dialect (exact, prefix, suffix, all, any, not or sql);"
                        + " it has 2: exact, prefix",
                "[{}]", "filters[0]: must have exactly one member, its dialect (exact, prefix, suffix, all, any, not"
                        + " or sql); it has 0",
                "[\"exact\"]", "filters[0]: must be an object with one member naming its dialect (exact, prefix, suffix,"
                        + " all, any, not or sql), not a string",
                "[{\"exact\":{\"type\":1}}]", "filters[0].exact.type: must be a string, not a number",
                "[{\"prefix\":[\"a\"]}]", "filters[0].prefix: must be an object of attribute names to strings, not"
                        + " an array",
                "[{\"all\":{\"exact\":{\"type\":\"a\"}}}]", "filters[0].all: must be an array of filters, not an object",
                "[{\"any\":[{\"not\":{\"sql\":true}}]}]",
                "filters[0].any[0].not.sql: must be a CloudEvents SQL expression as a string, not a boolean",
                "[{\"all\":[]}]", "filters[0].all: all: needs a non-empty array of filters",
                "[{\"exact\":{}}]", "filters[0].exact: exact, prefix and suffix need at least one attribute");
        cases.forEach((filters, message) -> {
            HttpResponse<String> response = createWithFilters(filters);
            assertThat(response.statusCode()).as(filters).isEqualTo(400);
            assertThat(json(response.body()).get("errors").get("filters").get(0).asText()).as(filters)
                    .isEqualTo(message);
        });
    }

    @Test
    void refusesAnSqlFilterThePortCannotCompileNamingFilters() {
        HttpResponse<String> response = createWithFilters("[{\"sql\":\"type = !!\"}]");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response.body()).get("errors").get("filters").get(0).asText()).contains("syntax error");
    }

    @Test
    void refusesMalformedJson() {
        for (String body : List.of("{\"endPoint\":", "[]", "null", "{} {}", "{\"endPoint\":\"a\",\"endPoint\":\"b\"}")) {
            HttpResponse<String> response = create(body);
            assertThat(response.statusCode()).as(body).isEqualTo(400);
            assertThat(json(response.body()).get("errors").has("body")).as(body).isTrue();
        }
    }

    @Test
    void refusesOtherContentTypesWith415() {
        // ";" has no essence at all (it used to fail parsing with a 500)
        for (String type : List.of("text/plain", "application/xml", "application/cloudevents+json", ";", ";;")) {
            HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.uri(PATH))
                    .header("Content-Type", type)
                    .POST(HttpRequest.BodyPublishers.ofString("{}")), TestServer.subscriber());
            assertThat(response.statusCode()).as(type).isEqualTo(415);
        }
        HttpResponse<String> none = server.send(HttpRequest.newBuilder(server.uri(PATH))
                .POST(HttpRequest.BodyPublishers.ofString("{}")), TestServer.subscriber());
        assertThat(none.statusCode()).isEqualTo(415);
        assertThat(none.headers().firstValue("Accept-Post")).hasValue("application/json");
    }

    @Test
    void refusesABodyOver64KiBWith413() {
        String big = "{\"endPoint\":\"https://hooks.example.com/big\",\"resourceFilter\":\"" + RESOURCE
                + "\",\"pad\":\"" + "x".repeat(64 * 1024) + "\"}";

        assertThat(create(big).statusCode()).isEqualTo(413);
    }

    @Test
    void everyRouteNeedsAToken() {
        String id = createOne("https://hooks.example.com/auth");
        for (HttpRequest.Builder request : everyRoute(id)) {
            HttpResponse<String> response = server.send(request, null);
            assertThat(response.statusCode()).as(response.request().toString()).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate")).isPresent();
        }
        assertThat(server.get(PATH + "/" + id, TestServer.subscriber()).statusCode()).isEqualTo(200);
    }

    @Test
    void createNeedsTheSubscribeScope() {
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.uri(PATH))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"endPoint\":\"https://hooks.example.com/scope\","
                        + "\"resourceFilter\":\"" + RESOURCE + "\"}")), TestServer.publisher());

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(json(response.body()).get("type").asText()).isEqualTo("urn:events:problem:insufficient-scope");
    }

    /**
     * The owner's own token is not enough without the scope: a token ttd got for publishing and administration
     * must not list or read its subscriptions, delete one, take a new secret or redrive dead letters. An unknown id
     * gets the same 403, not a 404.
     */
    @Test
    void everyRouteNeedsTheSubscribeScopeEvenForTheOwner() {
        String id = createOne("https://hooks.example.com/scoped");
        subscriptions.deadLetter(UUID.fromString(id), 2);
        String ownerWithoutTheScope = TestServer.token(Caller.SCOPE_PUBLISH, Caller.SCOPE_PUBLISH_ADMIN, Caller.SCOPE_ADMIN);

        List<HttpResponse<String>> responses = new ArrayList<>();
        for (String anId : List.of(id, UUID.randomUUID().toString())) {
            everyRoute(anId).forEach(request -> responses.add(server.send(request, ownerWithoutTheScope)));
        }

        assertThat(responses).hasSize(16).allSatisfy(response -> {
            assertThat(response.statusCode()).as(response.request().toString()).isEqualTo(403);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(json(response.body()).get("type").asText()).isEqualTo("urn:events:problem:insufficient-scope");
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                    challenge -> assertThat(challenge).contains("insufficient_scope", Caller.SCOPE_SUBSCRIBE));
        });
        assertThat(server.get(PATH + "/" + id, TestServer.subscriber()).statusCode()).isEqualTo(200);
        assertThat(json(server.get(PATH + "/" + id + "/deadletters", TestServer.subscriber()).body())
                .get("deadletters")).hasSize(2);
    }

    @Test
    void listsTheCallersOwnWithTheSubscribeScope() {
        createOne("https://hooks.example.com/listed");

        HttpResponse<String> response = server.get(PATH, TestServer.subscriber());

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response.body());
        assertThat(body.get("count").asInt()).isEqualTo(body.get("subscriptions").size()).isPositive();
        assertThat(body.get("subscriptions").findValuesAsText("consumer")).containsOnly("/org/ttd");
    }

    @Test
    void pagesTheListWithSizeAndANextLinkThatContinuesAfterTheLastOne() {
        for (int i = 0; i < 5; i++) {
            createOne("https://hooks.example.com/paged-" + i);
        }
        List<String> all = new ArrayList<>();
        json(server.get(PATH, TestServer.subscriber()).body()).get("subscriptions")
                .forEach(s -> all.add(s.get("id").asText()));

        List<String> paged = new ArrayList<>();
        String url = PATH + "?size=2";
        for (int pages = 0; pages < 100 && url != null; pages++) {
            HttpResponse<String> page = server.get(url, TestServer.subscriber());
            assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
            JsonNode body = json(page.body());
            assertThat(body.get("count").asInt()).isEqualTo(body.get("subscriptions").size()).isLessThanOrEqualTo(2);
            body.get("subscriptions").forEach(s -> paged.add(s.get("id").asText()));
            url = page.headers().firstValue("next").map(n -> n.substring(TestServer.BASE_URL.length())).orElse(null);
        }

        assertThat(all.size()).isGreaterThanOrEqualTo(5);
        assertThat(paged).isEqualTo(all);
        assertThat(server.get(PATH + "?after=nope", TestServer.subscriber()).statusCode()).isEqualTo(400);
        assertThat(server.get(PATH + "?size=0", TestServer.subscriber()).statusCode()).isEqualTo(400);
        assertThat(server.get(PATH + "?after=" + java.util.UUID.randomUUID(), TestServer.subscriber()).statusCode())
                .isEqualTo(400);
    }

    @Test
    void refusesCreateWhenThePortDeniesTheResource() {
        HttpResponse<String> response = create("{\"endPoint\":\"https://hooks.example.com/denied\",\"resourceFilter\":\""
                + InMemoryManageSubscriptions.FORBIDDEN_RESOURCE + "\"}");

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(json(response.body()).get("type").asText()).isEqualTo("urn:events:problem:forbidden");
    }

    @Test
    void anotherConsumersSubscriptionIsNotFoundAsAnUnknownOneIs() {
        String id = createOne("https://hooks.example.com/mine");
        String other = otherConsumer();

        assertThat(server.get(PATH + "/" + id, other).statusCode()).isEqualTo(404);
        assertThat(server.send(HttpRequest.newBuilder(server.uri(PATH + "/" + id)).DELETE(), other).statusCode())
                .isEqualTo(404);
        assertThat(server.get(PATH + "/" + id + "/deliveries", other).statusCode()).isEqualTo(404);
        assertThat(server.send(HttpRequest.newBuilder(server.uri(PATH + "/" + id + "/secret/rotate"))
                .POST(HttpRequest.BodyPublishers.noBody()), other).statusCode()).isEqualTo(404);
        assertThat(json(server.get(PATH, other).body()).get("count").asInt()).isZero();
        assertThat(server.get(PATH + "/" + id, TestServer.subscriber()).statusCode()).isEqualTo(200);
    }

    @Test
    void unknownAndNonUuidIdsAreNotFound() {
        for (String id : List.of(UUID.randomUUID().toString(), "not-a-uuid", "1-1-1-1-1", "123")) {
            HttpResponse<String> response = server.get(PATH + "/" + id, TestServer.subscriber());
            assertThat(response.statusCode()).as(id).isEqualTo(404);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(server.get(PATH + "/" + id + "/deliveries", TestServer.subscriber()).statusCode()).isEqualTo(404);
        }
    }

    /** Jetty lets a malformed escape through after a ';' (a path parameter); Javalin's decoding of {id} threw, a 500. */
    @Test
    void aMalformedPercentEncodingInThePathIsA400() throws java.io.IOException {
        for (String path : List.of(PATH + "/x;%zz", PATH + "/x;%", PATH + "/x;a=%e/deliveries")) {
            String response;
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.uri("/").getPort())) {
                socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                        + TestServer.subscriber() + "\r\nConnection: close\r\n\r\n")
                        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                response = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }

            assertThat(response).as(path).startsWith("HTTP/1.1 400 ").contains("application/problem+json");
            JsonNode problem = json(response.substring(response.indexOf("\r\n\r\n") + 4));
            assertThat(problem.path("errors").has("path")).as(response).isTrue();
        }
    }

    @Test
    void deletesASubscription() {
        String id = createOne("https://hooks.example.com/deleted");

        HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.uri(PATH + "/" + id)).DELETE(),
                TestServer.subscriber());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(server.get(PATH + "/" + id, TestServer.subscriber()).statusCode()).isEqualTo(404);
    }

    @Test
    void rotatesTheSecret() {
        HttpResponse<String> created = create("{\"endPoint\":\"https://hooks.example.com/rotate\",\"resourceFilter\":\""
                + RESOURCE + "\"}");
        JsonNode first = json(created.body());

        HttpResponse<String> response = server.send(HttpRequest.newBuilder(
                server.uri(PATH + "/" + first.get("id").asText() + "/secret/rotate"))
                .POST(HttpRequest.BodyPublishers.noBody()), TestServer.subscriber());

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response.body());
        assertThat(body.size()).isEqualTo(1);
        assertThat(body.get("secret").asText()).startsWith("whsec_").isNotEqualTo(first.get("secret").asText());
    }

    @Test
    void pagesDeliveriesNewestFirstFollowingNext() {
        String id = createOne("https://hooks.example.com/deliveries");
        subscriptions.recordAttempts(UUID.fromString(id), 5);

        List<Long> ids = new ArrayList<>();
        String url = PATH + "/" + id + "/deliveries?size=2";
        List<String> nexts = new ArrayList<>();
        for (int page = 0; page < 5 && url != null; page++) {
            HttpResponse<String> response = server.get(url, TestServer.subscriber());
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode body = json(response.body());
            body.get("deliveries").forEach(d -> ids.add(d.get("id").asLong()));
            String next = body.get("next").isNull() ? null : body.get("next").asText();
            assertThat(response.headers().firstValue("next").orElse(null)).isEqualTo(next);
            nexts.add(next);
            url = next == null ? null : URI.create(next).getRawPath() + "?" + URI.create(next).getRawQuery();
        }

        assertThat(ids).containsExactly(5L, 4L, 3L, 2L, 1L);
        assertThat(nexts).containsExactly(
                TestServer.BASE_URL + PATH + "/" + id + "/deliveries?before=4&size=2",
                TestServer.BASE_URL + PATH + "/" + id + "/deliveries?before=2&size=2",
                null);
        JsonNode newest = json(server.get(PATH + "/" + id + "/deliveries", TestServer.subscriber()).body())
                .get("deliveries");
        assertThat(newest).hasSize(5);
        assertThat(newest.get(0).get("eventId").asText()).isEqualTo("e-5");
        assertThat(newest.get(0).get("attempt").asInt()).isEqualTo(1);
        assertThat(newest.get(0).get("time").asText()).isEqualTo("2026-11-27T10:15:35Z");
        assertThat(newest.get(0).get("statusCode").asInt()).isEqualTo(503);
        assertThat(newest.get(0).get("error").isNull()).isTrue();
        assertThat(newest.get(0).get("durationMs").asLong()).isEqualTo(50);
        assertThat(newest.get(1).get("statusCode").isNull()).isTrue();
        assertThat(newest.get(1).get("error").asText()).isEqualTo("timed out after 30 s");
    }

    @Test
    void refusesBadPagingParameters() {
        String id = createOne("https://hooks.example.com/paging");
        for (String query : List.of("size=0", "size=1001", "size=x", "before=-1", "before=abc")) {
            HttpResponse<String> response = server.get(PATH + "/" + id + "/deliveries?" + query, TestServer.subscriber());
            assertThat(response.statusCode()).as(query).isEqualTo(400);
            assertThat(json(response.body()).get("errors").has(query.substring(0, query.indexOf('=')))).isTrue();
        }
        assertThat(server.get(PATH + "/" + id + "/deadletters?after=x", TestServer.subscriber()).statusCode())
                .isEqualTo(400);
        assertThat(server.get(PATH + "/" + id + "/deliveries?size=1000", TestServer.subscriber()).statusCode())
                .isEqualTo(200);
    }

    @Test
    void listsAndRedrivesDeadLetters() {
        String id = createOne("https://hooks.example.com/dead");
        subscriptions.deadLetter(UUID.fromString(id), 3);

        HttpResponse<String> firstPage = server.get(PATH + "/" + id + "/deadletters?size=2", TestServer.subscriber());
        JsonNode page = json(firstPage.body());
        assertThat(page.get("deadletters").findValuesAsText("eventId")).containsExactly("e-1", "e-2");
        assertThat(page.get("deadletters").get(0).get("attempts").asInt()).isEqualTo(12);
        assertThat(page.get("deadletters").get(0).get("created").asText()).isEqualTo("2026-11-27T10:15:31Z");
        assertThat(page.get("next").asText()).isEqualTo(TestServer.BASE_URL + PATH + "/" + id + "/deadletters?after=2&size=2");
        assertThat(firstPage.headers().firstValue("next")).hasValue(page.get("next").asText());
        assertThat(json(server.get(PATH + "/" + id + "/deadletters?after=2", TestServer.subscriber()).body())
                .get("deadletters").findValuesAsText("eventId")).containsExactly("e-3");

        HttpResponse<String> redriven = server.send(HttpRequest.newBuilder(
                server.uri(PATH + "/" + id + "/deadletters/redrive")).POST(HttpRequest.BodyPublishers.noBody()),
                TestServer.subscriber());

        assertThat(redriven.statusCode()).isEqualTo(200);
        assertThat(json(redriven.body()).get("redriven").asInt()).isEqualTo(3);
        assertThat(json(server.get(PATH + "/" + id + "/deadletters", TestServer.subscriber()).body())
                .get("deadletters")).isEmpty();
    }

    @Test
    void answers503WhenSubscriptionsAreUnavailable() {
        subscriptions.unavailable = true;
        try {
            HttpResponse<String> response = server.get(PATH, TestServer.subscriber());

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.headers().firstValue("Retry-After")).isPresent();
        } finally {
            subscriptions.unavailable = false;
        }
    }

    @Test
    void mountsNoSubscriptionRoutesWithoutThePort() {
        try (TestServer plain = TestServer.start()) {
            assertThat(plain.get(PATH, TestServer.subscriber()).statusCode()).isEqualTo(404);
        }
    }

    /**
     * One request to each subscription route, without a token; those of one subscription for {@code id}. Delete is
     * last, so that a wrongly accepted delete does not hide what the other routes would have answered.
     */
    private static List<HttpRequest.Builder> everyRoute(String id) {
        return List.of(
                HttpRequest.newBuilder(server.uri(PATH)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{}")),
                HttpRequest.newBuilder(server.uri(PATH)).GET(),
                HttpRequest.newBuilder(server.uri(PATH + "/" + id)).GET(),
                HttpRequest.newBuilder(server.uri(PATH + "/" + id + "/secret/rotate")).POST(HttpRequest.BodyPublishers.noBody()),
                HttpRequest.newBuilder(server.uri(PATH + "/" + id + "/deliveries")).GET(),
                HttpRequest.newBuilder(server.uri(PATH + "/" + id + "/deadletters")).GET(),
                HttpRequest.newBuilder(server.uri(PATH + "/" + id + "/deadletters/redrive"))
                        .POST(HttpRequest.BodyPublishers.noBody()),
                HttpRequest.newBuilder(server.uri(PATH + "/" + id)).DELETE());
    }

    private static HttpResponse<String> create(String body) {
        return server.send(HttpRequest.newBuilder(server.uri(PATH)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)), TestServer.subscriber());
    }

    private static HttpResponse<String> createWithFilters(String filters) {
        return create("{\"endPoint\":\"https://hooks.example.com/f\",\"resourceFilter\":\"" + RESOURCE
                + "\",\"filters\":" + filters + "}");
    }

    private static String createOne(String endPoint) {
        HttpResponse<String> response = create("{\"endPoint\":\"" + endPoint + "\",\"resourceFilter\":\"" + RESOURCE
                + "\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return json(response.body()).get("id").asText();
    }

    private static String otherConsumer() {
        return JwtTokens.mintHs256(TestServer.SECRET, Map.of("urn:altinn:org", "digdir", "scope",
                Caller.SCOPE_SUBSCRIBE), Duration.ofMinutes(5));
    }
}
