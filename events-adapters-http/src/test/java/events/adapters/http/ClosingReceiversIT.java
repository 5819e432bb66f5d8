package events.adapters.http;

import static org.assertj.core.api.Assertions.assertThat;

import events.domain.CloudEvent;
import events.domain.WebhookEndpoints;
import events.domain.WebhookSecret;
import events.ports.WebhookSender.WebhookMessage;
import events.ports.WebhookSender.WebhookResponse;
import events.testkit.WebhookReceiver;
import events.testkit.TcpProxy;
import events.testkit.TestEvents;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Receivers that close connections, as real ones do: a pooled connection that the peer closed must never cost an
 * attempt (SPEC section 6), while a connection that fails on its first use is still one failed attempt.
 */
class ClosingReceiversIT {
    static final WebhookEndpoints LENIENT = WebhookEndpoints.builder().allowHttp(true).allowPrivate(true).build();
    static final Duration WAIT = Duration.ofSeconds(10);

    final WebhookSecret secret = WebhookSecret.generate(new SecureRandom());
    final CloudEvent event = TestEvents.anEvent().id("e-1").build();
    final OkHttpWebhookSender sender = OkHttpWebhookSender.builder().endpoints(LENIENT)
            .timeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void stop() {
        sender.close();
    }

    @Test
    void aReceiverThatSpeaksHttp10AndClosesEveryConnectionGetsEveryPushFirstTime() {
        try (WebhookReceiver receiver = WebhookReceiver.closingEachConnection()) {
            List<WebhookResponse> responses = burst(URI.create(receiver.url("/hook")), 300, 16);

            assertThat(failures(responses)).isEmpty();
            assertThat(receiver.received()).hasSize(300);
            assertThat(receiver.received()).allMatch(r -> r.path().equals("/hook"));
        }
    }

    @Test
    void aReceiverWhoseKeepAliveTimeoutIsShorterThanThePoolsGetsEveryPushFirstTime() {
        try (WebhookReceiver receiver = WebhookReceiver.keepingAliveFor(Duration.ofSeconds(1))) {
            URI endpoint = URI.create(receiver.url("/hook"));
            List<WebhookResponse> first = burst(endpoint, 50, 8);
            int pooled = receiver.connections();
            // every pooled connection now closed by the receiver, not yet noticed by the sender's pool
            WebhookReceiver.await(() -> receiver.closedIdle() == pooled, WAIT, () -> "the receiver closed idle ones");

            List<WebhookResponse> second = burst(endpoint, 50, 8);

            assertThat(failures(first)).isEmpty();
            assertThat(failures(second)).isEmpty();
            assertThat(receiver.received()).hasSize(100);
            assertThat(receiver.connections()).isGreaterThan(pooled);
        }
    }

    @Test
    void aReceiverBehindAProxyThatDropsIdleConnectionsGetsEveryPushFirstTime() throws Exception {
        try (WebhookReceiver target = WebhookReceiver.keepingAlive();
                TcpProxy proxy = TcpProxy.droppingIdleAfter(target.port(), Duration.ofSeconds(1))) {
            URI endpoint = URI.create("http://127.0.0.1:" + proxy.port() + "/hook");
            for (int round = 0; round < 3; round++) {
                List<WebhookResponse> responses = burst(endpoint, 40, 8);
                assertThat(failures(responses)).as("round %d", round).isEmpty();
                WebhookReceiver.await(() -> proxy.open() == 0, WAIT, () -> "the proxy dropped every idle connection");
            }
            assertThat(proxy.droppedIdle()).isPositive();
            assertThat(target.received()).hasSize(120);
        }
    }

    @Test
    void aConnectionThatFailsOnItsFirstUseIsOneFailedAttemptNotARetry() throws Exception {
        AtomicInteger accepted = new AtomicInteger();
        try (java.net.ServerSocket closer = closingAfterTheRequest(
                new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress()), accepted)) {
            WebhookResponse response = sender.send(message(URI.create("http://127.0.0.1:" + closer.getLocalPort()
                    + "/"), "msg_1")).join();

            assertThat(response.statusCode()).isZero();
            assertThat(response.error()).startsWith("connection ");
            assertThat(accepted).hasValue(1);
        }
    }

    @Test
    void aConnectionThatFailsOnItsFirstUseIsNotRetriedOnTheHostsOtherAddress() throws Exception {
        AtomicInteger accepted = new AtomicInteger();
        // on every address: 127.0.0.2 too
        try (java.net.ServerSocket closer = closingAfterTheRequest(new java.net.ServerSocket(0, 50), accepted)) {
            okhttp3.Dns twoAddresses = host -> List.of(java.net.InetAddress.getByName("127.0.0.1"),
                    java.net.InetAddress.getByName("127.0.0.2"));
            try (OkHttpWebhookSender twoRoutes = OkHttpWebhookSender.builder().endpoints(LENIENT).dns(twoAddresses)
                    .timeout(Duration.ofSeconds(5)).build()) {
                WebhookResponse response = twoRoutes.send(message(URI.create("http://hooks.example:"
                        + closer.getLocalPort() + "/"), "msg_1")).join();

                assertThat(response.statusCode()).isZero();
                assertThat(accepted).as("one connection, one request").hasValue(1);
            }
        }
    }

    /** Accepts on {@code server}, counts each connection, reads the request and closes without an answer. */
    private static java.net.ServerSocket closingAfterTheRequest(java.net.ServerSocket server, AtomicInteger accepted) {
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try (java.net.Socket s = server.accept()) {
                    accepted.incrementAndGet();
                    s.getInputStream().read(new byte[1024]);
                } catch (java.io.IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return server;
    }

    @Test
    void a408AnswerIsTheAttemptsOutcomeNotSentAgain() {
        try (WebhookReceiver receiver = WebhookReceiver.keepingAlive()) {
            receiver.answer(r -> 408);

            WebhookResponse response = sender.send(message(URI.create(receiver.url("/hook")), "msg_1")).join();

            assertThat(response.statusCode()).isEqualTo(408);
            assertThat(receiver.received()).hasSize(1);
        }
    }

    /** Sends {@code n} pushes, at most {@code concurrency} at once, and returns every response. */
    private List<WebhookResponse> burst(URI endpoint, int n, int concurrency) {
        List<WebhookResponse> responses = new ArrayList<>();
        for (int i = 0; i < n; i += concurrency) {
            List<CompletableFuture<WebhookResponse>> wave = new ArrayList<>();
            for (int j = i; j < Math.min(n, i + concurrency); j++) {
                wave.add(sender.send(message(endpoint, "msg_" + j)));
            }
            wave.forEach(f -> responses.add(f.join()));
        }
        return responses;
    }

    private static List<String> failures(List<WebhookResponse> responses) {
        return responses.stream().filter(r -> !r.isSuccess())
                .map(r -> r.statusCode() == 0 ? r.error() : "HTTP " + r.statusCode()).toList();
    }

    private WebhookMessage message(URI endpoint, String id) {
        return new WebhookMessage(endpoint, id, Instant.now(), event, List.of(secret));
    }
}
