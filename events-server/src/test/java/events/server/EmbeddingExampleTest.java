package events.server;

import static org.assertj.core.api.Assertions.assertThat;

import events.adapters.http.EventsApi;
import events.adapters.http.JwtAuthenticator;
import events.adapters.http.JwtTokens;
import events.adapters.http.OkHttpWebhookSender;
import events.adapters.jdbc.JdbcStores;
import events.authz.xacml.XacmlAuthorizer;
import events.core.Events;
import events.domain.CloudEvent;
import events.filter.cesql.CesqlFilterExpressions;
import events.ports.Caller;
import events.support.SecretBox;
import io.javalin.Javalin;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's embedding example, compiled and run; the README must show exactly this code. */
class EmbeddingExampleTest {
    private static final Path README = Path.of("..", "README.md");

    @TempDir
    Path dataDir;

    @Test
    void readmeEmbeddingExampleRunsAndServesWhatItPublished() throws Exception {
        byte[] secret = "embedding-example-secret-0123456789".getBytes(StandardCharsets.UTF_8);
        int port = 0;
        Path examplePolicy = EventsServerTest.EXAMPLE_POLICIES.resolve("urn:altinn:resource:ttd-svc.xml");
        byte[] key = SecretBox.generateKey();
        // README:begin
        SecretBox box = SecretBox.of(List.of(key));                // 32 bytes you keep, the same on every node
        JdbcStores stores = JdbcStores.h2(dataDir, box);           // or JdbcStores.postgres(dataSource, box)
        XacmlAuthorizer xacml = XacmlAuthorizer.builder(stores.policyStore()).build();
        OkHttpWebhookSender webhooks = OkHttpWebhookSender.builder().build(); // public https endpoints only
        Events events = Events.builder()
                .eventStore(stores.eventStore())
                .authorizer(xacml)                                  // every decision by XACML policy
                .policies(stores.policyStore(), xacml)              // optional: manage policies
                .subscriptions(stores.subscriptionStore(), stores.deliveryStore(), webhooks) // optional: webhooks
                .filterExpressions(new CesqlFilterExpressions())    // optional: sql filters
                .changeSignals(stores.changeSignals())              // several nodes on one PostgreSQL
                .secretBox(box)                                     // what the service seals
                .build();                                           // close() stops delivery
        events.managePolicies().orElseThrow()
                .put("urn:altinn:resource:ttd-svc", Files.readString(examplePolicy));

        // Use the engine directly ...
        Caller publisher = new Caller("/org/ttd", Set.of(Caller.SCOPE_PUBLISH), Map.of());
        events.publishEvents().publish(publisher, List.of(CloudEvent.builder()
                .id("1").source("https://ttd.example/app").type("app.created")
                .resource("urn:altinn:resource:ttd-svc").subject("/party/1337")
                .build()));

        // ... or mount its HTTP API in your own Javalin app.
        EventsApi api = EventsApi.builder()
                .publishEvents(events.publishEvents())
                .queryEvents(events.queryEvents())
                .authenticator(JwtAuthenticator.builder().hs256Secret(secret).build())
                .readiness(events::isReady)
                .baseUrl(() -> "http://localhost:8080")
                .managePolicies(events.managePolicies().orElseThrow()) // optional: the policy endpoints
                .manageSubscriptions(events.manageSubscriptions().orElseThrow()) // optional: subscriptions
                .build();
        Javalin app = Javalin.create(config -> api.register(config)).start(port);
        // README:end
        try {
            String token = JwtTokens.mintHs256(secret,
                    Map.of("urn:altinn:org", "digdir", "scope", Caller.SCOPE_SUBSCRIBE), Duration.ofMinutes(5));
            HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                            "http://localhost:" + app.port() + "/events/api/v1/events?resource=urn:altinn:resource:ttd-svc&after=0"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("\"id\":\"1\"", "\"subject\":\"/party/1337\"");
            assertThat(page.headers().firstValue("next")).hasValueSatisfying(
                    next -> assertThat(next).startsWith("http://localhost:8080/events/api/v1/events?"));
        } finally {
            app.stop();
            events.close();
            webhooks.close();
            xacml.close();
            stores.close();
        }
    }

    @Test
    void readmeShowsExactlyTheCompiledExample() throws IOException {
        String readme = Files.readString(README);
        int marker = readme.indexOf("<!-- embedding-example -->");
        assertThat(marker).as("README marker").isNotNegative();
        int start = readme.indexOf("```java\n", marker) + "```java\n".length();
        String shown = readme.substring(start, readme.indexOf("```", start));

        String source = Files.readString(Path.of("src/test/java/events/server/EmbeddingExampleTest.java"));
        String compiled = source.substring(source.indexOf("// README:begin\n") + "// README:begin\n".length(),
                source.indexOf("        // README:end"));
        assertThat(normalize(shown)).isEqualTo(normalize(compiled));
    }

    private static List<String> normalize(String code) {
        return code.lines().map(String::strip).toList();
    }
}
