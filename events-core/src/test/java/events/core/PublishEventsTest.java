package events.core;

import static events.testkit.TestEvents.anEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import events.domain.AccessDeniedException;
import events.domain.CloudEvent;
import events.domain.EventFilter;
import events.domain.EventQuery;
import events.domain.InvalidEventException;
import events.domain.StoredEvent;
import events.domain.UnableToStoreEventException;
import events.domain.Violation;
import events.ports.AccessRequest;
import events.ports.Action;
import events.ports.Caller;
import events.ports.EventScan;
import events.ports.EventStore;
import events.testkit.InMemoryEventStore;
import events.testkit.RecordingAuthorizer;
import events.testkit.EventStoreContract;
import events.testkit.TestEvents;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class PublishEventsTest {

    private static final Caller PUBLISHER = new Caller("/org/ttd", Set.of(Caller.SCOPE_PUBLISH),
            Map.of("urn:altinn:org", "ttd"));
    private static final Caller PUBLISH_ADMIN = new Caller("/org/digdir",
            Set.of(Caller.SCOPE_PUBLISH, Caller.SCOPE_PUBLISH_ADMIN), Map.of());

    private final InMemoryEventStore store = new InMemoryEventStore();

    private Events events(RecordingAuthorizer authorizer) {
        return Events.builder().eventStore(store).authorizer(authorizer).build();
    }

    private List<CloudEvent> stored() {
        return EventStoreContract.read(store, EventFilter.of(TestEvents.RESOURCE), 0, EventQuery.MAX_SIZE).events().stream()
                .map(StoredEvent::event).toList();
    }

    @Test
    void storesPermittedEventsUnchanged() {
        CloudEvent first = anEvent().build();
        CloudEvent second = anEvent().extension("traceparent", "00-abc").build();

        events(RecordingAuthorizer.permitAll()).publishEvents().publish(PUBLISHER, List.of(first, second));

        assertThat(stored()).containsExactly(first, second);
    }

    @Test
    void asksAuthorizerOnceForTheWholeBatchWithActionPublish() {
        RecordingAuthorizer authorizer = RecordingAuthorizer.permitAll();
        List<CloudEvent> batch = List.of(anEvent().build(), anEvent().build(), anEvent().build());

        events(authorizer).publishEvents().publish(PUBLISHER, batch);

        assertThat(authorizer.calls()).hasSize(1);
        assertThat(authorizer.calls().get(0)).containsExactly(
                AccessRequest.forEvent(PUBLISHER, Action.PUBLISH, batch.get(0)),
                AccessRequest.forEvent(PUBLISHER, Action.PUBLISH, batch.get(1)),
                AccessRequest.forEvent(PUBLISHER, Action.PUBLISH, batch.get(2)));
    }

    @Test
    void rejectsDeniedPublishAndStoresNothing() {
        AccessDeniedException e = catchThrowableOfType(AccessDeniedException.class,
                () -> events(RecordingAuthorizer.denyAll()).publishEvents()
                        .publish(PUBLISHER, List.of(anEvent().build())));

        assertThat(e).hasMessageContaining(TestEvents.RESOURCE);
        assertThat(store.size()).isZero();
    }

    @Test
    void publishAsyncRefusesADeniedPublishAtOnceAndStoresNothing() {
        assertThatThrownBy(() -> events(RecordingAuthorizer.denyAll()).publishEvents()
                .publishAsync(PUBLISHER, List.of(anEvent().build())))
                .isInstanceOf(AccessDeniedException.class);
        assertThat(store.size()).isZero();
    }

    @Test
    void publishAsyncCompletesOnceStoredAndFailsWhenStorageFails() throws Exception {
        CloudEvent event = anEvent().build();
        events(RecordingAuthorizer.permitAll()).publishEvents().publishAsync(PUBLISHER, List.of(event)).get();
        assertThat(stored()).containsExactly(event);

        EventStore brokenStore = new EventStore() {
            @Override
            public List<StoredEvent> append(List<CloudEvent> events) {
                throw new UnableToStoreEventException("disk on fire", null);
            }

            @Override
            public EventScan read(EventFilter filter, long after, int size, int examineAtMost) {
                return new EventScan(List.of(), after, 0);
            }

            @Override
            public List<StoredEvent> readAll(long after, int limit) {
                return List.of();
            }

            @Override
            public long lastSequence() {
                return 0;
            }

            @Override
            public List<StoredEvent> get(java.util.Collection<Long> sequences) {
                return List.of();
            }

            @Override
            public int deleteStoredBefore(java.time.Instant cutoff, long maxSequence, int limit) {
                throw new UnableToStoreEventException("database down", null);
            }

            @Override
            public boolean isAvailable() {
                return false;
            }
        };
        CompletableFuture<Void> failed = Events.builder().eventStore(brokenStore).authorizer(new ScopeOnlyAuthorizer()).build().publishEvents()
                .publishAsync(PUBLISHER, List.of(anEvent().build()));
        assertThatThrownBy(failed::get).hasCauseInstanceOf(UnableToStoreEventException.class);
    }

    @Test
    void rejectsWholeBatchWhenOneEventIsDenied() {
        String forbidden = "urn:altinn:resource:someone-else";
        RecordingAuthorizer authorizer = RecordingAuthorizer.permitting(r -> !r.resource().equals(forbidden));
        List<CloudEvent> batch = List.of(anEvent().build(), anEvent().resource(forbidden).build(), anEvent().build());

        AccessDeniedException e = catchThrowableOfType(AccessDeniedException.class,
                () -> events(authorizer).publishEvents().publish(PUBLISHER, batch));

        assertThat(e).hasMessageContaining(forbidden);
        assertThat(store.size()).isZero();
    }

    @Test
    void treatsMissingDecisionAsDeny() {
        Events events = Events.builder().eventStore(store)
                .authorizer(requests -> java.util.Arrays.asList(new Boolean[requests.size()]))
                .build();

        assertThat(catchThrowableOfType(AccessDeniedException.class,
                () -> events.publishEvents().publish(PUBLISHER, List.of(anEvent().build())))).isNotNull();
        assertThat(store.size()).isZero();
    }

    @Test
    void publishAdminBypassesTheAuthorizer() {
        RecordingAuthorizer authorizer = RecordingAuthorizer.denyAll();
        CloudEvent event = anEvent().build();

        events(authorizer).publishEvents().publish(PUBLISH_ADMIN, List.of(event));

        assertThat(authorizer.calls()).isEmpty();
        assertThat(stored()).containsExactly(event);
    }

    @Test
    void rejectsEmptyBatchWithoutAskingAnyone() {
        RecordingAuthorizer authorizer = RecordingAuthorizer.permitAll();

        InvalidEventException e = catchThrowableOfType(InvalidEventException.class,
                () -> events(authorizer).publishEvents().publish(PUBLISHER, List.of()));

        assertThat(e.violations()).extracting(Violation::attribute).containsExactly("batch");
        assertThat(authorizer.calls()).isEmpty();
        assertThat(store.size()).isZero();
    }

    @Test
    void acknowledgesDuplicateButStoresItOnce() {
        CloudEvent event = anEvent().build();
        Events events = events(RecordingAuthorizer.permitAll());

        events.publishEvents().publish(PUBLISHER, List.of(event));
        events.publishEvents().publish(PUBLISHER, List.of(event, event.toBuilder().build()));

        assertThat(stored()).containsExactly(event);
    }

    @Test
    void defaultAuthorizerDecidesByScopesAlone() {
        Events events = Events.builder().eventStore(store).authorizer(new ScopeOnlyAuthorizer()).build();

        events.publishEvents().publish(PUBLISHER, List.of(anEvent().build()));

        assertThat(store.size()).isEqualTo(1);
    }

    @Test
    void reportsReadinessFromTheStore() {
        Events events = Events.builder().eventStore(store).authorizer(new ScopeOnlyAuthorizer()).build();

        assertThat(events.isReady()).isTrue();
        store.setAvailable(false);
        assertThat(events.isReady()).isFalse();
    }

    @Test
    void refusesToBuildWithoutStoreOrAuthorizerOrWithNonPositiveScanLimit() {
        assertThat(catchThrowableOfType(IllegalStateException.class, () -> Events.builder().build())).isNotNull();
        assertThat(catchThrowableOfType(IllegalStateException.class, () -> Events.builder().eventStore(store).build()))
                .hasMessageContaining("authorizer");
        assertThat(catchThrowableOfType(IllegalArgumentException.class,
                () -> Events.builder().maxScanPerQuery(0))).isNotNull();
    }
}
