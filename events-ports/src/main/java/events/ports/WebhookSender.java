package events.ports;

import events.domain.CloudEvent;
import events.domain.WebhookSecret;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Pushes one event to one webhook endpoint: structured mode, signed the Standard Webhooks way, no redirects
 * followed, the resolved address checked against the endpoint rules before connecting. Never blocks the
 * caller; the future never fails (every failure is a {@link WebhookResponse} with an error).
 */
public interface WebhookSender {

    CompletableFuture<WebhookResponse> send(WebhookMessage message);

    /**
     * @param endpoint where to POST
     * @param messageId the {@code webhook-id} header
     * @param timestamp the {@code webhook-timestamp} header (seconds)
     * @param event the body, written as published
     * @param secrets every secret that signs (one {@code v1,} signature each)
     */
    record WebhookMessage(URI endpoint, String messageId, Instant timestamp, CloudEvent event,
            List<WebhookSecret> secrets) {
        public WebhookMessage {
            Objects.requireNonNull(endpoint, "endpoint");
            Objects.requireNonNull(messageId, "messageId");
            Objects.requireNonNull(timestamp, "timestamp");
            Objects.requireNonNull(event, "event");
            secrets = List.copyOf(secrets);
            if (secrets.isEmpty()) {
                throw new IllegalArgumentException("a webhook message is signed by at least one secret");
            }
        }
    }

    /**
     * What came of one attempt.
     *
     * @param statusCode the HTTP status, or 0 when there was no response (then {@code error} says why)
     * @param retryAfter the {@code Retry-After} the endpoint sent (seconds or HTTP date), or null
     * @param error what went wrong, or null on a response; never contains secrets
     * @param duration how long the attempt took
     */
    record WebhookResponse(int statusCode, Duration retryAfter, String error, Duration duration) {
        public WebhookResponse {
            Objects.requireNonNull(duration, "duration");
            if (statusCode == 0 && error == null) {
                throw new IllegalArgumentException("an attempt without a response has an error");
            }
        }

        public static WebhookResponse failed(String error, Duration duration) {
            return new WebhookResponse(0, null, error, duration);
        }

        public boolean isSuccess() {
            return statusCode >= 200 && statusCode < 300;
        }
    }
}
