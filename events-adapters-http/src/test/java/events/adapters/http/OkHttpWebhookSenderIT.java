package events.adapters.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import events.domain.CloudEvent;
import events.domain.WebhookEndpoints;
import events.domain.WebhookSecret;
import events.domain.WebhookSignature;
import events.ports.WebhookSender.WebhookMessage;
import events.ports.WebhookSender.WebhookResponse;
import events.testkit.TestEvents;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.Dns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OkHttpWebhookSenderIT {
    static final WebhookEndpoints LENIENT = WebhookEndpoints.builder().allowHttp(true).allowPrivate(true).build();
    static final WebhookEndpoints STRICT_PRIVATE = WebhookEndpoints.builder().allowHttp(true).build();
    static final Instant NOW = Instant.parse("2026-11-27T10:15:30Z");
    static final SecureRandom RANDOM = new SecureRandom();

    final WebhookSecret secret = WebhookSecret.generate(RANDOM);
    final CloudEvent event = TestEvents.anEvent().id("e-1").subject("/party/1337")
            .extension("attempt", 3).extension("urgent", true).build();
    MockWebServer server;
    OkHttpWebhookSender sender;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start(InetAddress.getLoopbackAddress(), 0);
        sender = OkHttpWebhookSender.builder().endpoints(LENIENT).timeout(Duration.ofSeconds(5))
                .clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
    }

    @AfterEach
    void stop() {
        sender.close();
        server.close();
    }

    @Test
    void deliversTheEventAsPublishedSignedTheStandardWebhooksWay() throws Exception {
        server.enqueue(new MockResponse.Builder().code(200).body("thanks").build());

        WebhookResponse response = send(message(url("/hook?x=1"), List.of(secret)));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.isSuccess()).isTrue();
        assertThat(response.error()).isNull();
        assertThat(response.retryAfter()).isNull();
        assertThat(response.duration()).isPositive();
        RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(request.getMethod()).isEqualTo("POST");
        assertThat(request.getTarget()).isEqualTo("/hook?x=1");
        byte[] body = request.getBody().toByteArray();
        assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo(
                new String(events.adapters.http.internal.CloudEventJsonWriter.writeEvent(event), StandardCharsets.UTF_8))
                .startsWith("{\"specversion\":\"1.0\",\"id\":\"e-1\"")
                .contains("\"attempt\":3", "\"urgent\":true");
        assertThat(request.getHeaders().get("Content-Type")).isEqualTo("application/cloudevents+json; charset=utf-8");
        assertThat(request.getHeaders().get("webhook-id")).isEqualTo("msg_1");
        assertThat(request.getHeaders().get("webhook-timestamp")).isEqualTo(Long.toString(NOW.getEpochSecond()));
        assertThat(request.getHeaders().get("User-Agent")).startsWith("Events-Webhooks/");
        String signature = request.getHeaders().get("webhook-signature");
        assertThat(WebhookSignature.verify(signature, secret, "msg_1", NOW.getEpochSecond(), body)).isTrue();
        assertThat(signature).isEqualTo("v1," + hmacSha256Base64(secret, "msg_1." + NOW.getEpochSecond() + ".", body));
    }

    @Test
    void signsWithEverySecretInForce() throws Exception {
        WebhookSecret old = WebhookSecret.generate(RANDOM);
        server.enqueue(new MockResponse.Builder().code(204).build());

        assertThat(send(message(url("/"), List.of(secret, old))).statusCode()).isEqualTo(204);

        RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
        byte[] body = request.getBody().toByteArray();
        String[] signatures = request.getHeaders().get("webhook-signature").split(" ");
        assertThat(signatures).hasSize(2).allMatch(s -> s.startsWith("v1,"));
        String signed = "msg_1." + NOW.getEpochSecond() + ".";
        assertThat(signatures).containsExactly("v1," + hmacSha256Base64(secret, signed, body),
                "v1," + hmacSha256Base64(old, signed, body));
    }

    @Test
    void reports410Gone() {
        server.enqueue(new MockResponse.Builder().code(410).build());

        WebhookResponse response = send(message(url("/"), List.of(secret)));

        assertThat(response.statusCode()).isEqualTo(410);
        assertThat(response.isSuccess()).isFalse();
        assertThat(response.error()).isNull();
    }

    @Test
    void reads429RetryAfterInSeconds() {
        server.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", "120").build());

        WebhookResponse response = send(message(url("/"), List.of(secret)));

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.retryAfter()).isEqualTo(Duration.ofSeconds(120));
    }

    @Test
    void reads503RetryAfterAsAnHttpDateRelativeToNow() {
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.plusSeconds(90).atOffset(ZoneOffset.UTC));
        server.enqueue(new MockResponse.Builder().code(503).addHeader("Retry-After", date).build());

        WebhookResponse response = send(message(url("/"), List.of(secret)));

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.retryAfter()).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void ignoresAnInvalidRetryAfterAndTakesAPastDateAsNow() {
        server.enqueue(new MockResponse.Builder().code(503).addHeader("Retry-After", "soon").build());
        server.enqueue(new MockResponse.Builder().code(503).addHeader("Retry-After", "-5").build());
        String past = DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.minusSeconds(60).atOffset(ZoneOffset.UTC));
        server.enqueue(new MockResponse.Builder().code(503).addHeader("Retry-After", past).build());

        assertThat(send(message(url("/"), List.of(secret))).retryAfter()).isNull();
        assertThat(send(message(url("/"), List.of(secret))).retryAfter()).isNull();
        assertThat(send(message(url("/"), List.of(secret))).retryAfter()).isEqualTo(Duration.ZERO);
    }

    @Test
    void reports500WithoutReadingTheBody() {
        server.enqueue(new MockResponse.Builder().code(500).body("x".repeat(1_000_000)).build());

        WebhookResponse response = send(message(url("/"), List.of(secret)));

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.error()).isNull();
    }

    @Test
    void timesOutWhenTheEndpointIsSlowerThanTheTimeout() {
        server.enqueue(new MockResponse.Builder().code(200).headersDelay(3, TimeUnit.SECONDS).build());
        try (OkHttpWebhookSender quick = OkHttpWebhookSender.builder().endpoints(LENIENT)
                .timeout(Duration.ofMillis(300)).build()) {

            WebhookResponse response = quick.send(message(url("/"), List.of(secret))).join();

            assertThat(response.statusCode()).isZero();
            assertThat(response.error()).isEqualTo("timed out after 300 ms");
            assertThat(response.duration()).isLessThan(Duration.ofSeconds(2));
        }
    }

    @Test
    void reportsAConnectionDroppedBeforeTheRequest() {
        server.enqueue(new MockResponse.Builder().onRequestStart(new SocketEffect.CloseSocket()).build());

        WebhookResponse response = send(message(url("/"), List.of(secret)));

        assertThat(response.statusCode()).isZero();
        // Usually the end of the stream; a reset or broken pipe when the close races the request body.
        assertThat(response.error()).startsWith("connection ");
        assertNoSecretIn(response);
    }

    @Test
    void reportsAConnectionDroppedBeforeTheResponse() {
        server.enqueue(new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build());

        WebhookResponse response = send(message(url("/"), List.of(secret)));

        assertThat(response.statusCode()).isZero();
        assertThat(response.error()).isEqualTo("connection closed before a complete response");
        assertNoSecretIn(response);
    }

    @Test
    void reportsARefusedConnection() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }

        WebhookResponse response = send(message(URI.create("http://127.0.0.1:" + port + "/"), List.of(secret)));

        assertThat(response.statusCode()).isZero();
        assertThat(response.error()).isEqualTo("connection refused");
    }

    @Test
    void doesNotFollowRedirects() throws Exception {
        server.enqueue(new MockResponse.Builder().code(302).addHeader("Location", url("/elsewhere").toString()).build());
        server.enqueue(new MockResponse.Builder().code(200).build());

        WebhookResponse response = send(message(url("/"), List.of(secret)));

        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.isSuccess()).isFalse();
        assertThat(server.takeRequest(5, TimeUnit.SECONDS).getTarget()).isEqualTo("/");
        assertThat(server.takeRequest(300, TimeUnit.MILLISECONDS)).isNull();
        assertThat(server.getRequestCount()).isEqualTo(1);
    }

    @Test
    void refusesALoopbackAddressUnderStrictRulesWithoutConnecting() {
        try (OkHttpWebhookSender strict = OkHttpWebhookSender.builder().endpoints(STRICT_PRIVATE).build()) {

            WebhookResponse response = strict.send(message(url("/"), List.of(secret))).join();

            assertThat(response.statusCode()).isZero();
            assertThat(response.error()).startsWith("endpoint refused: host 127.0.0.1 is in 127.0.0.0/8 loopback");
        }
        assertThat(server.getRequestCount()).isZero();
    }

    @Test
    void refusesAHostNameThatResolvesToLoopbackUnderStrictRules() {
        Dns rebinding = host -> host.equals("hooks.example.test")
                ? List.of(InetAddress.getLoopbackAddress()) : Dns.SYSTEM.lookup(host);
        try (OkHttpWebhookSender strict = OkHttpWebhookSender.builder().endpoints(STRICT_PRIVATE).dns(rebinding).build()) {

            WebhookResponse response = strict.send(message(
                    URI.create("http://hooks.example.test:" + server.getPort() + "/"), List.of(secret))).join();

            assertThat(response.statusCode()).isZero();
            assertThat(response.error()).as("the owner reads this: the range, not the address")
                    .isEqualTo("host hooks.example.test resolves only to forbidden addresses: 127.0.0.0/8 loopback");
        }
        assertThat(server.getRequestCount()).isZero();
    }

    @Test
    void dialsOnlyTheAllowedAddressesOfAHostName() {
        server.enqueue(new MockResponse.Builder().code(200).build());
        Dns mapped = host -> List.of(InetAddress.getLoopbackAddress());
        try (OkHttpWebhookSender s = OkHttpWebhookSender.builder().endpoints(LENIENT).dns(mapped).build()) {

            WebhookResponse response = s.send(message(
                    URI.create("http://hooks.example.test:" + server.getPort() + "/"), List.of(secret))).join();

            assertThat(response.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void guardedSocketsRefuseToConnectToAForbiddenAddress() throws Exception {
        EndpointGuard guard = new EndpointGuard(STRICT_PRIVATE);
        try (Socket socket = guard.socketFactory().createSocket()) {
            InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getPort());

            assertThatThrownBy(() -> socket.connect(loopback, 1000))
                    .isInstanceOf(ForbiddenAddressException.class)
                    .hasMessage("the address dialled is forbidden (127.0.0.0/8 loopback)");
            assertThat(socket.isConnected()).isFalse();
        }
        assertThatThrownBy(() -> guard.socketFactory().createSocket(InetAddress.getLoopbackAddress(), server.getPort()))
                .isInstanceOf(ForbiddenAddressException.class);
        assertThat(server.getRequestCount()).isZero();
    }

    @Test
    void slowEndpointsDoNotDelayAFastOne() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (MockWebServer slow = new MockWebServer()) {
            slow.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
                    release.await(20, TimeUnit.SECONDS);
                    return new MockResponse.Builder().code(200).build();
                }
            });
            slow.start(InetAddress.getLoopbackAddress(), 0);
            List<CompletableFuture<WebhookResponse>> stuck = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                stuck.add(sender.send(message(URI.create("http://127.0.0.1:" + slow.getPort() + "/"), List.of(secret))));
            }
            server.enqueue(new MockResponse.Builder().code(200).build());

            WebhookResponse fast = sender.send(message(url("/"), List.of(secret))).get(3, TimeUnit.SECONDS);

            assertThat(fast.statusCode()).isEqualTo(200);
            assertThat(stuck).noneMatch(CompletableFuture::isDone);
            release.countDown();
            for (CompletableFuture<WebhookResponse> f : stuck) {
                assertThat(f.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            }
        } finally {
            release.countDown();
        }
    }

    @Test
    void completesCallsInFlightAsFailedWhenClosed() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
                release.await(10, TimeUnit.SECONDS);
                return new MockResponse.Builder().code(200).build();
            }
        });
        try {
            CompletableFuture<WebhookResponse> inFlight = sender.send(message(url("/"), List.of(secret)));
            server.takeRequest(5, TimeUnit.SECONDS);

            sender.close();

            WebhookResponse response = inFlight.get(5, TimeUnit.SECONDS);
            assertThat(response.statusCode()).isZero();
            assertThat(response.error()).isEqualTo("canceled: the sender was closed");
            assertThat(sender.send(message(url("/"), List.of(secret))).get(1, TimeUnit.SECONDS).error())
                    .isEqualTo("the sender is closed");
        } finally {
            release.countDown();
        }
    }

    private WebhookResponse send(WebhookMessage message) {
        try {
            return sender.send(message).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the future must complete normally", e);
        }
    }

    private WebhookMessage message(URI endpoint, List<WebhookSecret> secrets) {
        return new WebhookMessage(endpoint, "msg_1", NOW, event, secrets);
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getPort() + path);
    }

    private void assertNoSecretIn(WebhookResponse response) {
        assertThat(response.error()).doesNotContain(secret.value()).doesNotContain("v1,");
    }

    /** HMAC-SHA256 computed here, independently of {@link WebhookSignature}. */
    private static String hmacSha256Base64(WebhookSecret secret, String prefix, byte[] body) throws Exception {
        byte[] key = Base64.getDecoder().decode(secret.value().substring("whsec_".length()));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        mac.update(prefix.getBytes(StandardCharsets.UTF_8));
        return Base64.getEncoder().encodeToString(mac.doFinal(body));
    }
}
