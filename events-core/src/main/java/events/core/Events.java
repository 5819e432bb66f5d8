package events.core;

import events.ports.Authorizer;
import events.ports.EventStore;
import events.ports.ManagePolicies;
import events.ports.PolicyLanguage;
import events.ports.PolicyStore;
import events.ports.PublishEvents;
import events.ports.QueryEvents;
import java.util.Objects;
import java.util.Optional;

/**
 * The engine: use cases wired to the driven ports you give it. Build one with {@link #builder()}; the
 * bundled server builds it exactly this way.
 *
 * <pre>{@code
 * Events events = Events.builder()
 *         .eventStore(store)
 *         .authorizer(xacml)                  // e.g. XacmlAuthorizer; ScopeOnlyAuthorizer permits everything
 *         .policies(policyStore, xacml)       // optional: policy management
 *         .build();
 * events.publishEvents().publish(caller, List.of(event));
 * }</pre>
 */
public final class Events {
    private final EventStore eventStore;
    private final PublishEvents publishEvents;
    private final QueryEvents queryEvents;
    private final ManagePolicies managePolicies;

    private Events(Builder b) {
        this.eventStore = b.eventStore;
        this.publishEvents = new EventPublisher(b.eventStore, b.authorizer);
        this.queryEvents = new EventQueries(b.eventStore, b.authorizer, b.maxScanPerQuery);
        this.managePolicies = b.policyStore == null ? null
                : new PolicyAdministration(b.policyStore, b.policyLanguage, b.authorizer);
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

    /** Whether the engine can serve requests now (its storage answers). */
    public boolean isReady() {
        return eventStore.isAvailable();
    }

    public static final class Builder {
        private EventStore eventStore;
        private Authorizer authorizer;
        private PolicyStore policyStore;
        private PolicyLanguage policyLanguage;
        private int maxScanPerQuery = 10_000;

        private Builder() {
        }

        /** Required: where events are stored. */
        public Builder eventStore(EventStore store) {
            this.eventStore = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * Required: who may publish and see events. There is no default, so that nobody ends up with
         * everything permitted by accident; {@link ScopeOnlyAuthorizer} is that choice made explicit.
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

        /** The most events one poll request examines when policy hides some. Default 10 000. */
        public Builder maxScanPerQuery(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxScanPerQuery must be positive");
            }
            this.maxScanPerQuery = max;
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
