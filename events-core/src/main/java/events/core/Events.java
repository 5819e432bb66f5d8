package events.core;

import events.core.delivery.DeliveryEngine;
import events.domain.EndpointPartitions;
import events.domain.RetrySchedule;
import events.domain.WebhookEndpoints;
import events.ports.Authorizer;
import events.ports.ChangeSignals;
import events.ports.DeliveryStore;
import events.ports.EventStore;
import events.ports.FilterExpressions;
import events.ports.ManagePolicies;
import events.ports.ManageSubscriptions;
import events.ports.PolicyLanguage;
import events.ports.PolicyStore;
import events.ports.PublishEvents;
import events.ports.QueryEvents;
import events.ports.SubscriptionStore;
import events.ports.WebhookSender;
import events.support.SecretBox;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The engine: use cases wired to the driven ports you give it. Build one with {@link #builder()}; the
 * bundled server builds it exactly this way. With {@link Builder#subscriptions} it also runs the delivery
 * engine (its own threads) until {@link #close()}.
 *
 * <pre>{@code
 * Events events = Events.builder()
 *         .eventStore(store)
 *         .authorizer(xacml)                  // e.g. XacmlAuthorizer; ScopeOnlyAuthorizer permits everything
 *         .policies(policyStore, xacml)       // optional: policy management
 *         .subscriptions(subscriptionStore, deliveryStore, webhookSender) // optional: webhooks
 *         .build();
 * events.publishEvents().publish(caller, List.of(event));
 * }</pre>
 */
public final class Events implements AutoCloseable {
    /** Added to the attempt timeout to make the lease: how long a delivery stays with the process attempting it. */
    static final Duration LEASE_MARGIN = Duration.ofSeconds(10);
    /** How long events and delivery logs are kept unless {@link Builder#retention} says otherwise: 90 days. */
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(90);

    private final EventStore eventStore;
    private final PublishEvents publishEvents;
    private final QueryEvents queryEvents;
    private final ManagePolicies managePolicies;
    private final DeliveryEngine engine;
    private final ManageSubscriptions manageSubscriptions;
    private final Retention retention;

    private Events(Builder b) {
        this.eventStore = b.eventStore;
        if (b.subscriptionStore != null) {
            this.engine = new DeliveryEngine(b.eventStore, b.subscriptionStore, b.deliveryStore, b.webhookSender,
                    b.authorizer, b.filterExpressions, b.clock,
                    new DeliveryEngine.Settings(b.retrySchedule, b.attemptTimeout.plus(LEASE_MARGIN),
                            b.maxConcurrencyPerEndpoint, b.maxConcurrencyPerHost, b.maxDeliveriesInMemory,
                            b.maxDeliveryBytesInMemory,
                            b.baseUrl, b.pollInterval),
                    b.changeSignals);
            this.manageSubscriptions = new SubscriptionAdministration(b.subscriptionStore, b.deliveryStore,
                    b.authorizer, b.filterExpressions, b.webhookEndpoints,
                    SubscriptionAdministration.HostResolver.SYSTEM, engine, b.clock, b.maxSubscriptionsPerConsumer);
        } else {
            this.engine = null;
            this.manageSubscriptions = null;
        }
        ChangeSignals signals = b.changeSignals;
        DeliveryEngine wakes = engine;
        this.publishEvents = new EventPublisher(b.eventStore, b.authorizer, () -> {
            if (wakes != null) {
                wakes.wake();
            }
            // Every process dispatches to its own endpoints: the others hear of new events (one alone never signals).
            if (wakes == null || !wakes.deliversAlone()) {
                signals.announce(ChangeSignals.Change.EVENTS);
            }
        });
        this.queryEvents = new EventQueries(b.eventStore, b.authorizer, b.maxScanPerQuery,
                new PollCursors(b.secretBox == null ? SecretBox.random() : b.secretBox));
        this.managePolicies = b.policyStore == null ? null
                : new PolicyAdministration(b.policyStore, b.policyLanguage, b.authorizer, signals);
        signals.listen(ChangeSignals.Change.POLICIES, b.authorizer::policiesChanged);
        this.retention = new Retention(b.eventStore, b.deliveryStore, b.retention, b.clock);
        if (engine != null) {
            engine.start();
        }
        retention.start();
    }

    public static Builder builder() {
        return new Builder();
    }

    public PublishEvents publishEvents() {
        return publishEvents;
    }

    public QueryEvents queryEvents() {
        return queryEvents;
    }

    /** Policy management, when the engine was built with {@link Builder#policies}. */
    public Optional<ManagePolicies> managePolicies() {
        return Optional.ofNullable(managePolicies);
    }

    /** Webhook subscriptions, when the engine was built with {@link Builder#subscriptions}. */
    public Optional<ManageSubscriptions> manageSubscriptions() {
        return Optional.ofNullable(manageSubscriptions);
    }

    /** The endpoint partitions whose deliveries this process attempts now (none without webhooks). */
    EndpointPartitions deliveringPartitions() {
        return engine == null ? EndpointPartitions.NONE : engine.owned();
    }

    /** Whether the engine can serve requests now (its storage answers). */
    public boolean isReady() {
        return eventStore.isAvailable();
    }

    /**
     * Stops retention and the delivery engine: no new attempts start; attempts in flight get a few seconds to record their
     * outcome (any that do not are attempted again after their lease). Does not close the stores.
     */
    @Override
    public void close() {
        retention.close();
        if (engine != null) {
            engine.close();
        }
    }

    public static final class Builder {
        private EventStore eventStore;
        private Authorizer authorizer;
        private PolicyStore policyStore;
        private PolicyLanguage policyLanguage;
        private int maxScanPerQuery = 10_000;
        private SubscriptionStore subscriptionStore;
        private DeliveryStore deliveryStore;
        private WebhookSender webhookSender;
        private FilterExpressions filterExpressions;
        private WebhookEndpoints webhookEndpoints = WebhookEndpoints.strict();
        private RetrySchedule retrySchedule = RetrySchedule.ALTINN;
        private Duration attemptTimeout = Duration.ofSeconds(30);
        private int maxConcurrencyPerEndpoint = 16;
        private int maxConcurrencyPerHost = 64;
        private int maxDeliveriesInMemory = 20_000;
        private long maxDeliveryBytesInMemory = Math.min(64L << 20, Runtime.getRuntime().maxMemory() / 4);
        private Supplier<String> baseUrl = () -> "http://localhost:5080";
        private Clock clock = Clock.systemUTC();
        private ChangeSignals changeSignals = ChangeSignals.NONE;
        private Duration pollInterval = Duration.ofSeconds(1);
        private Duration retention = DEFAULT_RETENTION;
        private SecretBox secretBox;
        private int maxSubscriptionsPerConsumer = 1000;

        private Builder() {
        }

        /**
         * Optional, for several processes on one storage: how they tell each other about appended events and
         * changed subscriptions and policies, so that each acts at once (e.g. {@code JdbcStores.changeSignals()}).
         * Default {@link ChangeSignals#NONE}: changes by other processes are seen when storage is next polled
         * ({@link #pollInterval}). The caller closes it after this engine.
         */
        public Builder changeSignals(ChangeSignals signals) {
            this.changeSignals = Objects.requireNonNull(signals, "signals");
            return this;
        }

        /**
         * How long the delivery dispatcher waits, without a signal, before it looks for events that other
         * processes appended (a fallback for lost {@link #changeSignals}). Default 1 s.
         */
        public Builder pollInterval(Duration interval) {
            if (interval.toMillis() < 1) {
                throw new IllegalArgumentException("pollInterval must be at least a millisecond");
            }
            this.pollInterval = interval;
            return this;
        }

        /**
         * How long events, delivery attempts and deliveries are kept: older ones are deleted every minute, in
         * small batches (validation deliveries are kept). Default {@link #DEFAULT_RETENTION}, 90 days.
         */
        public Builder retention(Duration period) {
            if (period.compareTo(Duration.ofMinutes(1)) < 0) {
                throw new IllegalArgumentException("retention must be at least a minute");
            }
            this.retention = period;
            return this;
        }

        /**
         * The keys this service seals with: poll cursors are sealed under them, so that a cursor tells its
         * holder nothing about the events it stepped over. Every process serving one storage needs the same keys
         * (a cursor from one must open in another). Default: a fresh random key, good for one process only:
         * its cursors stop opening when it restarts.
         */
        public Builder secretBox(SecretBox box) {
            this.secretBox = Objects.requireNonNull(box, "box");
            return this;
        }

        /** Required: where events are stored. */
        public Builder eventStore(EventStore store) {
            this.eventStore = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * Required: who may publish, see and subscribe to events. There is no default, so that nobody ends up
         * with everything permitted by accident; {@link ScopeOnlyAuthorizer} is that choice made explicit.
         */
        public Builder authorizer(Authorizer authorizer) {
            this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
            return this;
        }

        /**
         * Optional: enables {@link Events#managePolicies()}, which checks documents with {@code language} and
         * keeps them in {@code store} (the store the authorizer reads).
         */
        public Builder policies(PolicyStore store, PolicyLanguage language) {
            this.policyStore = Objects.requireNonNull(store, "store");
            this.policyLanguage = Objects.requireNonNull(language, "language");
            return this;
        }

        /**
         * The most stored events one poll request examines, whatever the caller may see: past it the page is
         * answered as it stands and its {@code next} continues from there. Default 10 000.
         */
        public Builder maxScanPerQuery(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxScanPerQuery must be positive");
            }
            this.maxScanPerQuery = max;
            return this;
        }

        /**
         * Optional: enables {@link Events#manageSubscriptions()} and push delivery, which keeps subscriptions in
         * {@code subscriptions}, its queue and log in {@code deliveries}, and sends with {@code sender}.
         */
        public Builder subscriptions(SubscriptionStore subscriptions, DeliveryStore deliveries, WebhookSender sender) {
            this.subscriptionStore = Objects.requireNonNull(subscriptions, "subscriptions");
            this.deliveryStore = Objects.requireNonNull(deliveries, "deliveries");
            this.webhookSender = Objects.requireNonNull(sender, "sender");
            return this;
        }

        /** Optional: the language of {@code sql} filters (CESQL); without it such filters are refused. */
        public Builder filterExpressions(FilterExpressions expressions) {
            this.filterExpressions = Objects.requireNonNull(expressions, "expressions");
            return this;
        }

        /** Which endpoints subscriptions may use. Default {@link WebhookEndpoints#strict()}: public https only. */
        public Builder webhookEndpoints(WebhookEndpoints endpoints) {
            this.webhookEndpoints = Objects.requireNonNull(endpoints, "endpoints");
            return this;
        }

        /** When failed deliveries are attempted again. Default {@link RetrySchedule#ALTINN}. */
        public Builder retrySchedule(RetrySchedule schedule) {
            this.retrySchedule = Objects.requireNonNull(schedule, "schedule");
            return this;
        }

        /**
         * The longest one attempt takes (give the webhook sender the same timeout). A delivery being attempted
         * by a process that dies is attempted again this long plus {@link Events#LEASE_MARGIN} (10 s) after it started.
         * Default 30 s.
         */
        public Builder attemptTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("attemptTimeout must be positive");
            }
            this.attemptTimeout = timeout;
            return this;
        }

        /** Attempts in flight to one endpoint at most (the rest wait their turn). Default 16. */
        public Builder maxConcurrencyPerEndpoint(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxConcurrencyPerEndpoint must be positive");
            }
            this.maxConcurrencyPerEndpoint = max;
            return this;
        }

        /**
         * The most subscriptions one consumer may have; creating one more is refused
         * ({@link events.domain.LimitExceededException}). Default 1 000.
         */
        public Builder maxSubscriptionsPerConsumer(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxSubscriptionsPerConsumer must be positive");
            }
            this.maxSubscriptionsPerConsumer = max;
            return this;
        }

        /**
         * Attempts to one host (scheme, name and port) that started less than a second ago, in flight at most; the
         * rest wait their turn. It spreads a burst to many endpoints of one host (an event fanned out to many paths)
         * over a few reused connections instead of opening one per endpoint at once; an attempt that has not
         * answered within a second stops counting, so endpoints that never answer hold their host's others back by
         * a second at most. Default 64.
         */
        public Builder maxConcurrencyPerHost(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxConcurrencyPerHost must be positive");
            }
            this.maxConcurrencyPerHost = max;
            return this;
        }

        /**
         * Deliveries held in memory at most (queued behind slow endpoints or in flight); past it they wait in the
         * delivery store. One endpoint holds at most an eighth. Default 20 000.
         */
        public Builder maxDeliveriesInMemory(int max) {
            if (max < 8) {
                throw new IllegalArgumentException("maxDeliveriesInMemory must be at least 8");
            }
            this.maxDeliveriesInMemory = max;
            return this;
        }

        /**
         * Bytes of events that deliveries held in memory may take at most; past it they wait in the delivery store.
         * One endpoint holds at most an eighth. Default a quarter of the heap, at most 64 MiB.
         */
        public Builder maxDeliveryBytesInMemory(long max) {
            if (max < 64 * 1024) {
                throw new IllegalArgumentException("maxDeliveryBytesInMemory must be at least 64 KiB");
            }
            this.maxDeliveryBytesInMemory = max;
            return this;
        }

        /** The public URL of the service, e.g. {@code https://events.example.com} (the validation event's source). */
        public Builder baseUrl(String url) {
            Objects.requireNonNull(url, "url");
            return baseUrl(() -> url);
        }

        /** {@link #baseUrl(String)} known only later (a server on a port chosen at start). */
        public Builder baseUrl(Supplier<String> url) {
            this.baseUrl = Objects.requireNonNull(url, "url");
            return this;
        }

        /** The clock (tests). Default UTC system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public Events build() {
            if (eventStore == null) {
                throw new IllegalStateException("an event store is required");
            }
            if (authorizer == null) {
                throw new IllegalStateException("an authorizer is required (ScopeOnlyAuthorizer to decide by token"
                        + " scopes alone)");
            }
            return new Events(this);
        }
    }
}
