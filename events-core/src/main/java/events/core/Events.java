package events.core;

import events.ports.Authorizer;
import events.ports.EventStore;
import events.ports.PublishEvents;
import events.ports.QueryEvents;
import java.util.Objects;

/**
 * The engine: use cases wired to the driven ports you give it. Build one with {@link #builder()}; the
 * bundled server builds it exactly this way.
 *
 * <pre>{@code
 * Events events = Events.builder()
 *         .eventStore(store)
 *         .authorizer(authorizer)   // optional; default: decided by token scopes alone
 *         .build();
 * events.publishEvents().publish(caller, List.of(event));
 * }</pre>
 */
public final class Events {
    private final EventStore eventStore;
    private final PublishEvents publishEvents;
    private final QueryEvents queryEvents;

    private Events(Builder b) {
        this.eventStore = b.eventStore;
        this.publishEvents = new EventPublisher(b.eventStore, b.authorizer);
        this.queryEvents = new EventQueries(b.eventStore, b.authorizer, b.maxScanPerQuery);
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

    /** Whether the engine can serve requests now (its storage answers). */
    public boolean isReady() {
        return eventStore.isAvailable();
    }

    public static final class Builder {
        private EventStore eventStore;
        private Authorizer authorizer = new ScopeOnlyAuthorizer();
        private int maxScanPerQuery = 10_000;

        private Builder() {
        }

        /** Required: where events are stored. */
        public Builder eventStore(EventStore store) {
            this.eventStore = Objects.requireNonNull(store, "store");
            return this;
        }

        /** Who may publish and see events. Default: {@link ScopeOnlyAuthorizer}. */
        public Builder authorizer(Authorizer authorizer) {
            this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
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
            return new Events(this);
        }
    }
}
