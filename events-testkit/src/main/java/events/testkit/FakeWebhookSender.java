package events.testkit;

import events.ports.WebhookSender;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * Answers each message by a rule per endpoint (default 200) and records every message it was given. A rule may
 * return a future that a test completes later (a slow endpoint).
 */
public final class FakeWebhookSender implements WebhookSender {
    private final List<WebhookMessage> sent = new CopyOnWriteArrayList<>();
    private final Map<URI, Function<WebhookMessage, CompletableFuture<WebhookResponse>>> rules =
            new ConcurrentHashMap<>();

    public static WebhookResponse status(int code) {
        return new WebhookResponse(code, null, null, Duration.ofMillis(3));
    }

    public void answer(String endpoint, int code) {
        rules.put(URI.create(endpoint), m -> CompletableFuture.completedFuture(status(code)));
    }

    public void answer(String endpoint, WebhookResponse response) {
        rules.put(URI.create(endpoint), m -> CompletableFuture.completedFuture(response));
    }

    public void answer(String endpoint, Function<WebhookMessage, CompletableFuture<WebhookResponse>> rule) {
        rules.put(URI.create(endpoint), rule);
    }

    @Override
    public CompletableFuture<WebhookResponse> send(WebhookMessage message) {
        sent.add(message);
        return rules.getOrDefault(message.endpoint(), m -> CompletableFuture.completedFuture(status(200)))
                .apply(message);
    }

    public List<WebhookMessage> sent() {
        return sent;
    }

    public List<WebhookMessage> sentTo(String endpoint) {
        return sent.stream().filter(m -> m.endpoint().toString().equals(endpoint)).toList();
    }
}
