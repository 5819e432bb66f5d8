package events.bench;

import static org.assertj.core.api.Assertions.assertThat;

import events.adapters.http.JwtTokens;
import io.javalin.Javalin;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DiscardingServerTest {
    private static final byte[] SECRET = "a-secret-of-at-least-thirty-two-bytes!!".getBytes(StandardCharsets.UTF_8);

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void acknowledgesAPublishAndRefusesAnUnsignedOne(boolean handoff) throws Exception {
        Javalin app = DiscardingServer.start(0, SECRET, handoff);
        OkHttpClient client = new OkHttpClient();
        try {
            String token = JwtTokens.mintHs256(SECRET, Map.of("urn:altinn:org", "ttd", "scope", "altinn:events.publish"),
                    Duration.ofMinutes(5));
            String event = "{\"specversion\":\"1.0\",\"id\":\"e-1\",\"source\":\"urn:test\","
                    + "\"type\":\"bench.tested\",\"resource\":\"urn:altinn:resource:bench\"}";

            assertThat(publish(client, app.port(), event, token)).isEqualTo(200);
            assertThat(publish(client, app.port(), event, null)).isEqualTo(401);
        } finally {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
            app.stop();
        }
    }

    private static int publish(OkHttpClient client, int port, String event, String token) throws Exception {
        Request.Builder request = new Request.Builder()
                .url("http://127.0.0.1:" + port + "/events/api/v1/events")
                .post(RequestBody.create(event, MediaType.get("application/cloudevents+json")));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try (Response response = client.newCall(request.build()).execute()) {
            return response.code();
        }
    }
}
