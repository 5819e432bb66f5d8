package events.adapters.http;

import static events.adapters.http.TestServer.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requests Jetty refuses before the API sees them, written byte for byte to a plain socket (HTTP clients refuse
 * to send most of them): the answers are problem+json like every other error, and echo nothing of the request.
 */
class RefusedRequestsTest {
    static TestServer server;
    static int port;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        port = server.uri("/").getPort();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void answersANulByteInThePathWith400Problem() {
        RawHttp.Response response = RawHttp.exchange(port, get("/events/api/v1/events%00"));

        assertProblem(response, 400);
        assertThat(response.body()).doesNotContain("%00").doesNotContain("/events/api/v1/events");
    }

    @Test
    void answersABadPercentEncodingWith400Problem() {
        RawHttp.Response response = RawHttp.exchange(port, get("/events/api/v1/events%zz"));

        assertProblem(response, 400);
        assertThat(response.body()).doesNotContain("%zz");
    }

    @Test
    void answersAnAmbiguousPathSegmentWith400Problem() {
        RawHttp.Response response = RawHttp.exchange(port, get("/events/..;/api/v1/events"));

        assertProblem(response, 400);
        assertThat(response.body()).doesNotContain("..;").doesNotContain("/api/v1/events");
    }

    @Test
    void answersAHeaderSectionOverTheDefault8KiBWith431Problem() {
        String marker = "oversized-" + "x".repeat(9000);
        RawHttp.Response response = RawHttp.exchange(port, "GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: "
                + marker + "\r\nConnection: close\r\n\r\n");

        assertProblem(response, 431);
        assertThat(json(response.body()).get("detail").asText()).contains("8192 bytes");
        assertThat(response.body()).doesNotContain("oversized");
    }

    @Test
    void answersAUriOverTheLimitWith414Problem() {
        RawHttp.Response response = RawHttp.exchange(port, get("/events/api/v1/events?resource=" + "r".repeat(9000)));

        assertProblem(response, 414);
        assertThat(response.body()).doesNotContain("rrrr");
    }

    @Test
    void answersAHeaderWithoutColonWith400Problem() {
        RawHttp.Response response = RawHttp.exchange(port,
                "GET /health HTTP/1.1\r\nHost: localhost\r\nNot a header\r\nConnection: close\r\n\r\n");

        assertProblem(response, 400);
        assertThat(response.body()).doesNotContain("Not a header").doesNotContain("SPACE");
    }

    @Test
    void answersAnInvalidContentLengthWith400Problem() {
        RawHttp.Response response = RawHttp.exchange(port,
                "POST /events/api/v1/events HTTP/1.1\r\nHost: localhost\r\nContent-Length: 12abc\r\n\r\n");

        assertProblem(response, 400);
        assertThat(response.body()).doesNotContain("12abc");
    }

    @Test
    void answersAGarbageRequestLineWith400Problem() {
        RawHttp.Response response = RawHttp.exchange(port, "\u0001garbage<script>\r\n\r\n");

        assertProblem(response, 400);
        assertThat(response.body()).doesNotContain("garbage").doesNotContain("<script>");
    }

    @Test
    void answersAnHttp10RequestWithANulByteWith400Problem() {
        RawHttp.Response response = RawHttp.exchange(port, "GET /health%00 HTTP/1.0\r\n\r\n");

        assertProblem(response, 400);
    }

    @Test
    void stillServesAValidHttp10Request() {
        RawHttp.Response response = RawHttp.exchange(port, "GET /health HTTP/1.0\r\n\r\n");

        assertThat(response.status()).isEqualTo(200);
    }

    @Test
    void answersAnUnknownHttpVersionWith505Problem() {
        RawHttp.Response response = RawHttp.exchange(port, "GET /health HTTP/7.3\r\nHost: localhost\r\n\r\n");

        assertProblem(response, 505);
    }

    @Test
    void answersEveryMethodWithTheProblemBody() {
        for (String method : new String[] {"PUT", "DELETE", "PATCH", "OPTIONS"}) {
            for (String target : new String[] {"/events/api/v1/subscriptions/%00", "/events/..;/api/v1/events"}) {
                RawHttp.Response response = RawHttp.exchange(port, method + " " + target
                        + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");

                assertProblem(response, 400);
            }
        }
    }

    @Test
    void takesTheConfiguredHeaderSize() {
        try (TestServer roomy = TestServer.start(b -> b.maxHeaderBytes(32 * 1024))) {
            int roomyPort = roomy.uri("/").getPort();
            RawHttp.Response fits = RawHttp.exchange(roomyPort, "GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: "
                    + "x".repeat(20_000) + "\r\nConnection: close\r\n\r\n");
            RawHttp.Response tooLarge = RawHttp.exchange(roomyPort, "GET /health HTTP/1.1\r\nHost: localhost\r\n"
                    + "X-Big: " + "x".repeat(40_000) + "\r\nConnection: close\r\n\r\n");

            assertThat(fits.status()).isEqualTo(200);
            assertProblem(tooLarge, 431);
            assertThat(json(tooLarge.body()).get("detail").asText()).contains("32768 bytes");
        }
    }

    private static String get(String target) {
        return "GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    }

    private static void assertProblem(RawHttp.Response response, int status) {
        assertThat(response.status()).as(response.statusLine()).isEqualTo(status);
        assertThat(response.header("Content-Type")).isEqualTo("application/problem+json");
        JsonNode problem = json(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("type").asText()).startsWith("urn:events:problem:");
        assertThat(problem.get("title").asText()).isNotBlank();
        assertThat(problem.get("detail").asText()).isNotBlank();
        assertThat(response.body()).doesNotContain("<").doesNotContain("jetty").doesNotContain("at org.");
    }
}
