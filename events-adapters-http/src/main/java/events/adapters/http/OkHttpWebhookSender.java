package events.adapters.http;

import events.adapters.http.internal.CloudEventJsonWriter;
import events.domain.InvalidEndpointException;
import events.domain.WebhookEndpoints;
import events.domain.WebhookSignature;
import events.ports.WebhookSender;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.Proxy;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Date;
import java.util.Deque;
import java.util.HashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.Dns;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Pushes events to webhook endpoints with OkHttp (SPEC section 6): {@code POST} in structured mode
 * ({@code application/cloudevents+json; charset=utf-8}, the event as published), signed the Standard
 * Webhooks way ({@code webhook-id}, {@code webhook-timestamp}, {@code webhook-signature}).
 *
 * <pre>{@code
 * try (OkHttpWebhookSender sender = OkHttpWebhookSender.builder()
 *         .endpoints(WebhookEndpoints.strict())
 *         .timeout(Duration.ofSeconds(30))
 *         .build()) {
 *     WebhookResponse r = sender.send(message).join();
 * }
 * }</pre>
 *
 * <p>One attempt per {@link #send}: no redirects followed (a 3xx is a non-2xx answer), no proxy, and a request sent
 * again only when it failed on a pooled connection the receiver had closed ({@link StaleConnections}): that never
 * costs an attempt, while a failure on a new connection, a timeout or any answer is the attempt's outcome. The
 * endpoint rules are applied three times: to the URL ({@link WebhookEndpoints#checkUrl}),
 * to every address the host name resolves to (forbidden ones are dropped), and to the address each socket
 * connects to, so a DNS answer that changed since the subscription was created (rebinding) cannot reach an
 * internal address. The dispatcher admits thousands of calls per host: bounding concurrency per endpoint is
 * the delivery engine's job, and a slow endpoint must never hold up another. Response bodies are not read.
 *
 * <p>The returned future never completes exceptionally: every failure is a {@link WebhookResponse} with status 0
 * and a short error that never contains a secret or the signature. Thread-safe; {@link #close()} cancels
 * calls in flight and releases threads and connections.
 */
public final class OkHttpWebhookSender implements WebhookSender, AutoCloseable {
    /** Default time for one attempt, connecting included. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** Calls in flight, in all and per host, that the dispatcher admits before queueing. */
    public static final int MAX_CONCURRENT_CALLS = 4096;
    /** Idle connections kept for reuse, for all endpoints together. */
    static final int MAX_IDLE_CONNECTIONS = 64;
    static final String USER_AGENT = "Events-Webhooks/1.0 (CloudEvents; Standard Webhooks)";
    static final MediaType CONTENT_TYPE = MediaType.get("application/cloudevents+json; charset=utf-8");
    private static final int MAX_ERROR_LENGTH = 300;
    /** Longest {@code Retry-After} delta honoured as given; longer ones are capped (the schedule caps far lower). */
    private static final long MAX_RETRY_AFTER_SECONDS = 365L * 24 * 3600;

    private final OkHttpClient client;
    private final WebhookEndpoints endpoints;
    private final Duration timeout;
    private final Clock clock;
    private volatile boolean closed;

    private OkHttpWebhookSender(Builder b) {
        this.endpoints = b.endpoints;
        this.timeout = b.timeout;
        this.clock = b.clock;
        EndpointGuard guard = new EndpointGuard(b.endpoints);
        StaleConnections staleConnections = new StaleConnections(MAX_IDLE_CONNECTIONS);
        Dispatcher dispatcher = new Dispatcher(threads());
        dispatcher.setMaxRequests(MAX_CONCURRENT_CALLS);
        dispatcher.setMaxRequestsPerHost(MAX_CONCURRENT_CALLS);
        this.client = new OkHttpClient.Builder()
                .dispatcher(dispatcher)
                .connectionPool(new ConnectionPool(MAX_IDLE_CONNECTIONS, 1, TimeUnit.MINUTES))
                .dns(guard.dns(b.dns))
                .socketFactory(guard.socketFactory())
                .proxy(Proxy.NO_PROXY)
                .followRedirects(false)
                .followSslRedirects(false)
                .retryOnConnectionFailure(false)
                .addInterceptor(staleConnections.retrying())
                .addNetworkInterceptor(staleConnections.marking())
                .callTimeout(timeout)
                .connectTimeout(timeout)
                .readTimeout(timeout)
                .writeTimeout(timeout)
                .build();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public CompletableFuture<WebhookResponse> send(WebhookMessage message) {
        long started = System.nanoTime();
        CompletableFuture<WebhookResponse> result = new CompletableFuture<>();
        try {
            if (closed) {
                return CompletableFuture.completedFuture(WebhookResponse.failed("the sender is closed", elapsed(started)));
            }
            URI endpoint;
            try {
                endpoint = endpoints.checkUrl(message.endpoint().toString());
            } catch (InvalidEndpointException e) {
                return CompletableFuture.completedFuture(
                        WebhookResponse.failed("endpoint refused: " + e.reason(), elapsed(started)));
            }
            HttpUrl url = HttpUrl.parse(endpoint.toString());
            if (url == null) {
                return CompletableFuture.completedFuture(
                        WebhookResponse.failed("endpoint refused: not an http(s) URL", elapsed(started)));
            }
            byte[] body = CloudEventJsonWriter.writeEvent(message.event());
            long timestamp = message.timestamp().getEpochSecond();
            Request request = new Request.Builder()
                    .url(url)
                    .header("User-Agent", USER_AGENT)
                    .header("webhook-id", message.messageId())
                    .header("webhook-timestamp", Long.toString(timestamp))
                    .header("webhook-signature",
                            WebhookSignature.header(message.secrets(), message.messageId(), timestamp, body))
                    .post(RequestBody.create(body, CONTENT_TYPE))
                    .build();
            client.newCall(request).enqueue(new Callback() {
                @Override
                public void onResponse(Call call, Response response) {
                    try (response) {
                        result.complete(new WebhookResponse(response.code(), retryAfter(response),
                                null, elapsed(started)));
                    } catch (RuntimeException e) {
                        result.complete(WebhookResponse.failed(describe(e), elapsed(started)));
                    }
                }

                @Override
                public void onFailure(Call call, IOException e) {
                    result.complete(WebhookResponse.failed(describe(e), elapsed(started)));
                }
            });
        } catch (RuntimeException e) {
            // A bad header value (a message id with control characters) and the like: still an answer.
            result.complete(WebhookResponse.failed(describe(e), elapsed(started)));
        }
        return result;
    }

    /** Cancels calls in flight (they complete as failed), stops the threads and closes pooled connections. */
    @Override
    public void close() {
        closed = true;
        client.dispatcher().cancelAll();
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }

    @Override
    public String toString() {
        return "OkHttpWebhookSender[timeout=" + timeout + ", " + endpoints + "]";
    }

    /**
     * The {@code Retry-After} of a response as a wait from now: delta-seconds, or an HTTP date (a past one
     * is zero); null when absent or invalid.
     */
    Duration retryAfter(Response response) {
        String value = response.header("Retry-After");
        if (value == null) {
            return null;
        }
        String text = value.strip();
        if (!text.isEmpty() && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            if (text.length() > 12) {
                return Duration.ofSeconds(MAX_RETRY_AFTER_SECONDS);
            }
            return Duration.ofSeconds(Math.min(Long.parseLong(text), MAX_RETRY_AFTER_SECONDS));
        }
        Date date = response.headers().getDate("Retry-After");
        if (date == null) {
            return null;
        }
        Duration wait = Duration.between(clock.instant(), date.toInstant());
        return wait.isNegative() ? Duration.ZERO : wait;
    }

    /** A short, secret-free account of why an attempt got no response. */
    String describe(Throwable failure) {
        Throwable forbidden = find(failure, ForbiddenAddressException.class);
        if (forbidden != null) {
            return forbidden.getMessage();
        }
        if (find(failure, InterruptedIOException.class) != null) {
            return "timed out after " + format(timeout);
        }
        if (closed) {
            return "canceled: the sender was closed";
        }
        if (find(failure, ConnectException.class) != null) {
            return "connection refused";
        }
        if (find(failure, NoRouteToHostException.class) != null) {
            return "no route to host";
        }
        Throwable unknownHost = find(failure, UnknownHostException.class);
        if (unknownHost != null) {
            return truncate("unknown host: " + unknownHost.getMessage());
        }
        Throwable tls = find(failure, SSLException.class);
        if (tls != null) {
            return truncate("TLS failed: " + tls.getMessage());
        }
        if (find(failure, EOFException.class) != null || messageContains(failure, "unexpected end of stream")) {
            return "connection closed before a complete response";
        }
        if (messageContains(failure, "reset")) {
            return "connection reset";
        }
        Throwable socket = find(failure, SocketException.class);
        if (socket != null) {
            return truncate("connection failed: " + socket.getMessage());
        }
        return truncate(failure.getClass().getSimpleName()
                + (failure.getMessage() == null ? "" : ": " + failure.getMessage()));
    }

    /** The first throwable of {@code type} among {@code t}, its causes and suppressed ones. */
    private static Throwable find(Throwable t, Class<? extends Throwable> type) {
        Deque<Throwable> todo = new ArrayDeque<>();
        Set<Throwable> seen = new HashSet<>();
        todo.add(t);
        while (!todo.isEmpty()) {
            Throwable next = todo.poll();
            if (!seen.add(next)) {
                continue;
            }
            if (type.isInstance(next)) {
                return next;
            }
            if (next.getCause() != null) {
                todo.add(next.getCause());
            }
            for (Throwable s : next.getSuppressed()) {
                todo.add(s);
            }
        }
        return null;
    }

    private static boolean messageContains(Throwable t, String text) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c.getMessage() != null && c.getMessage().toLowerCase(Locale.ROOT).contains(text)) {
                return true;
            }
        }
        return false;
    }

    private static String truncate(String text) {
        return text.length() <= MAX_ERROR_LENGTH ? text : text.substring(0, MAX_ERROR_LENGTH - 3) + "...";
    }

    /** {@code 30 s}, or {@code 500 ms} when not whole seconds. */
    static String format(Duration d) {
        long millis = d.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    private static Duration elapsed(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    /** Like OkHttp's default (unbounded, idle threads die after a minute), with named daemon threads. */
    private static ExecutorService threads() {
        AtomicInteger n = new AtomicInteger();
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "webhook-sender-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Builds an {@link OkHttpWebhookSender}; every setting has a default. */
    public static final class Builder {
        private Duration timeout = DEFAULT_TIMEOUT;
        private WebhookEndpoints endpoints = WebhookEndpoints.strict();
        private Dns dns = Dns.SYSTEM;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** Time for one attempt, connecting included (also the connect, read and write timeouts). Default 30 s. */
        public Builder timeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() < 1) {
                throw new IllegalArgumentException("timeout must be at least a millisecond");
            }
            this.timeout = timeout;
            return this;
        }

        /** The operator's rules for endpoints (http allowed? private addresses allowed?). Default: strict. */
        public Builder endpoints(WebhookEndpoints endpoints) {
            this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
            return this;
        }

        /** How host names are resolved; the system resolver by default. Its answers are still checked. */
        public Builder dns(Dns dns) {
            this.dns = Objects.requireNonNull(dns, "dns");
            return this;
        }

        /** Reads "now" for {@code Retry-After} dates. Default: the system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public OkHttpWebhookSender build() {
            return new OkHttpWebhookSender(this);
        }
    }
}
