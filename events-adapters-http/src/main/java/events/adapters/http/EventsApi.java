package events.adapters.http;

import events.adapters.http.internal.EventRoutes;
import events.adapters.http.internal.JettyErrors;
import events.adapters.http.internal.PathEncoding;
import events.adapters.http.internal.PolicyRoutes;
import events.adapters.http.internal.Problems;
import events.adapters.http.internal.SubscriptionRoutes;
import events.ports.ManagePolicies;
import events.ports.ManageSubscriptions;
import events.ports.PublishEvents;
import events.ports.QueryEvents;
import io.javalin.config.JavalinConfig;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The Events HTTP API as a unit you mount into any Javalin 7 app (SPEC section 4):
 *
 * <pre>{@code
 * EventsApi api = EventsApi.builder()
 *         .publishEvents(events.publishEvents())
 *         .queryEvents(events.queryEvents())
 *         .authenticator(JwtAuthenticator.builder().hs256Secret(secret).build())
 *         .baseUrl(() -> "https://events.example.com")
 *         .readiness(events::isReady)
 *         .managePolicies(events.managePolicies().orElseThrow())   // optional
 *         .manageSubscriptions(events.manageSubscriptions())       // optional
 *         .build();
 * Javalin.create(api::register).start(5080);
 * }</pre>
 *
 * <p>Mounts {@code POST/GET /events/api/v1/events}, {@code GET /health}, {@code GET /health/ready} and, when
 * given {@link Builder#managePolicies}, {@code PUT/GET/DELETE /events/api/v1/policies/{resource}} and
 * {@code GET /events/api/v1/policies}; when given {@link Builder#manageSubscriptions}, the webhook subscription
 * endpoints under {@code /events/api/v1/subscriptions}; and
 * maps every exception of the app, Javalin's 404 and 405 included, to RFC 7807 problem+json, and so does Jetty's
 * own answer to a request it refuses before the app sees it (400, 414, 431, 505: it becomes the server's error
 * handler), whose header section may take {@link Builder#maxHeaderBytes}. Request
 * bodies are read with this API's own limits ({@link Builder#maxEventBytes}, {@link Builder#maxBatchBytes}),
 * whatever Javalin's {@code http.maxRequestSize} is; publishes waiting for storage are bounded
 * ({@link Builder#maxPublishesInFlight}, {@link Builder#maxPublishBytesInFlight}). Immutable.
 */
public final class EventsApi {
    /** Default largest event: 256 KiB. */
    public static final int DEFAULT_MAX_EVENT_BYTES = 256 * 1024;
    /** Default largest batch request: 4 MiB. */
    public static final int DEFAULT_MAX_BATCH_BYTES = 4 * 1024 * 1024;
    /** Default bound on publishes accepted and not yet answered (waiting for storage): 1000. */
    public static final int DEFAULT_MAX_PUBLISHES_IN_FLIGHT = 1000;
    /** Default bound on the request bytes of publishes accepted and not yet answered: 32 MiB. */
    public static final long DEFAULT_MAX_PUBLISH_BYTES_IN_FLIGHT = 32L * 1024 * 1024;
    /** Largest policy document: 1 MiB. */
    public static final int MAX_POLICY_BYTES = 1024 * 1024;
    /** Largest subscription request: 64 KiB. */
    public static final int MAX_SUBSCRIPTION_BYTES = 64 * 1024;
    /** Default largest request line and header section: 8 KiB (Jetty's own default). */
    public static final int DEFAULT_MAX_HEADER_BYTES = 8 * 1024;

    private final EventRoutes routes;
    private final PolicyRoutes policyRoutes;
    private final SubscriptionRoutes subscriptionRoutes;
    private final int maxHeaderBytes;

    private EventsApi(Builder b) {
        this.maxHeaderBytes = b.maxHeaderBytes;
        JwtAuthenticator authenticator = b.authenticator;
        this.routes = new EventRoutes(b.publishEvents, b.queryEvents, authenticator::authenticate, b.baseUrl,
                b.maxEventBytes, b.maxBatchBytes, b.readiness, b.maxPublishesInFlight, b.maxPublishBytesInFlight);
        this.policyRoutes = b.managePolicies == null ? null
                : new PolicyRoutes(b.managePolicies, authenticator::authenticate, b.baseUrl, b.maxPolicyBytes);
        this.subscriptionRoutes = b.manageSubscriptions == null ? null
                : new SubscriptionRoutes(b.manageSubscriptions, authenticator::authenticate, b.baseUrl,
                        MAX_SUBSCRIPTION_BYTES);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Adds the routes and the problem mapping to a Javalin configuration; call inside
     * {@code Javalin.create(config -> ...)}. Also makes an unknown method on a known path a 405, sets the server's
     * error handler (Jetty's refusals as problem+json) and the connectors' request header size.
     */
    public void register(JavalinConfig config) {
        config.http.prefer405over404 = true;
        config.jetty.modifyHttpConfiguration(http -> http.setRequestHeaderSize(maxHeaderBytes));
        config.jetty.modifyServer(server -> server.setErrorHandler(new JettyErrors(maxHeaderBytes)));
        PathEncoding.register(config);
        routes.register(config);
        if (policyRoutes != null) {
            policyRoutes.register(config);
        }
        if (subscriptionRoutes != null) {
            subscriptionRoutes.register(config);
        }
        Problems.register(config);
    }

    public static final class Builder {
        private PublishEvents publishEvents;
        private QueryEvents queryEvents;
        private JwtAuthenticator authenticator;
        private Supplier<String> baseUrl;
        private int maxEventBytes = DEFAULT_MAX_EVENT_BYTES;
        private int maxBatchBytes = DEFAULT_MAX_BATCH_BYTES;
        private BooleanSupplier readiness = () -> true;
        private int maxPublishesInFlight = DEFAULT_MAX_PUBLISHES_IN_FLIGHT;
        private long maxPublishBytesInFlight = DEFAULT_MAX_PUBLISH_BYTES_IN_FLIGHT;
        private int maxHeaderBytes = DEFAULT_MAX_HEADER_BYTES;
        private int maxPolicyBytes = MAX_POLICY_BYTES;
        private ManagePolicies managePolicies;
        private ManageSubscriptions manageSubscriptions;

        private Builder() {
        }

        /**
         * Optional: mounts the webhook subscription endpoints (all with scope {@code altinn:events.subscribe};
         * those of one subscription for its owner only).
         */
        public Builder manageSubscriptions(ManageSubscriptions manageSubscriptions) {
            this.manageSubscriptions = Objects.requireNonNull(manageSubscriptions, "manageSubscriptions");
            return this;
        }

        /** Optional: mounts the policy endpoints (scope {@code altinn:events.admin}). */
        public Builder managePolicies(ManagePolicies managePolicies) {
            this.managePolicies = Objects.requireNonNull(managePolicies, "managePolicies");
            return this;
        }

        /** Required. */
        public Builder publishEvents(PublishEvents publishEvents) {
            this.publishEvents = Objects.requireNonNull(publishEvents, "publishEvents");
            return this;
        }

        /** Required. */
        public Builder queryEvents(QueryEvents queryEvents) {
            this.queryEvents = Objects.requireNonNull(queryEvents, "queryEvents");
            return this;
        }

        /** Required: who may call. */
        public Builder authenticator(JwtAuthenticator authenticator) {
            this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
            return this;
        }

        /**
         * Absolute prefix of {@code next} links such as {@code https://events.example.com}, asked per request.
         * Default: the request's scheme and Host header (set it in production).
         */
        public Builder baseUrl(Supplier<String> baseUrl) {
            this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
            return this;
        }

        /** Largest event (structured JSON, or binary-mode body), in bytes; larger gives 413. Default 256 KiB. */
        public Builder maxEventBytes(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxEventBytes must be positive");
            }
            this.maxEventBytes = max;
            return this;
        }

        /** Largest batch request body, in bytes; larger gives 413. Default 4 MiB. */
        public Builder maxBatchBytes(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxBatchBytes must be positive");
            }
            this.maxBatchBytes = max;
            return this;
        }

        /**
         * Most publishes accepted and not yet answered, that is waiting for storage to commit; past it a publish
         * gets 503 with {@code Retry-After: 1} and nothing is stored. Bounds the memory and the queueing delay of
         * an overload. Default 1000.
         */
        public Builder maxPublishesInFlight(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxPublishesInFlight must be positive");
            }
            this.maxPublishesInFlight = max;
            return this;
        }

        /**
         * Most request bytes of publishes accepted and not yet answered; past it a publish gets 503 as with
         * {@link #maxPublishesInFlight}. A publish is always admitted when no other is in flight. Default 32 MiB.
         */
        public Builder maxPublishBytesInFlight(long max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxPublishBytesInFlight must be positive");
            }
            this.maxPublishBytesInFlight = max;
            return this;
        }

        /**
         * Largest request line and header section together, in bytes (Jetty's request header size); a larger
         * header section gets 431, a longer URI 414, both problem+json. Default 8 KiB.
         */
        public Builder maxHeaderBytes(int max) {
            if (max < 1024) {
                throw new IllegalArgumentException("maxHeaderBytes must be at least 1024");
            }
            this.maxHeaderBytes = max;
            return this;
        }

        /** Largest policy document body, in bytes; a larger one gets 413. Default {@link #MAX_POLICY_BYTES}. */
        public Builder maxPolicyBytes(int max) {
            if (max < 1024) {
                throw new IllegalArgumentException("maxPolicyBytes must be at least 1024");
            }
            this.maxPolicyBytes = max;
            return this;
        }

        /** Answers {@code GET /health/ready} (200 when true, else 503). Default: always ready. */
        public Builder readiness(BooleanSupplier readiness) {
            this.readiness = Objects.requireNonNull(readiness, "readiness");
            return this;
        }

        public EventsApi build() {
            if (publishEvents == null || queryEvents == null || authenticator == null) {
                throw new IllegalStateException("publishEvents, queryEvents and authenticator are required");
            }
            return new EventsApi(this);
        }
    }
}
