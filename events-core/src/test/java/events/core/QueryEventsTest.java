package events.core;

import static events.testkit.TestEvents.anEvent;
import static org.assertj.core.api.Assertions.assertThat;

import events.domain.CloudEvent;
import events.domain.EventPage;
import events.domain.EventQuery;
import events.domain.StoredEvent;
import events.ports.AccessRequest;
import events.ports.Action;
import events.ports.Caller;
import events.testkit.InMemoryEventStore;
import events.testkit.RecordingAuthorizer;
import events.testkit.RecordingEventStore;
import events.testkit.TestEvents;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class QueryEventsTest {

    private static final Caller SUBSCRIBER = new Caller("/org/ttd", Set.of(Caller.SCOPE_SUBSCRIBE), Map.of());
    private static final String VISIBLE = "/party/visible";
    private static final String HIDDEN = "/party/hidden";

    private final RecordingEventStore store = new RecordingEventStore(new InMemoryEventStore());
    /** Permits exactly the events about {@link #VISIBLE}. */
    private final RecordingAuthorizer authorizer =
            RecordingAuthorizer.permitting(r -> VISIBLE.equals(r.event().subject()));

    private EventPage query(long after, int size) {
        return query(after, size, 10_000);
    }

    private EventPage query(long after, int size, int maxScan) {
        Events events = Events.builder().eventStore(store).authorizer(authorizer).maxScanPerQuery(maxScan).build();
        return events.queryEvents().query(SUBSCRIBER, EventQuery.from(TestEvents.RESOURCE, after).withSize(size));
    }

    /** Stores {@code count} events about {@code subject}; returns their sequences. */
    private List<Long> append(int count, String subject) {
        List<CloudEvent> batch = IntStream.range(0, count).mapToObj(i -> anEvent().subject(subject).build()).toList();
        return store.append(batch).stream().map(StoredEvent::sequence).toList();
    }

    private static List<Long> sequences(EventPage page) {
        return page.events().stream().map(StoredEvent::sequence).toList();
    }

    @Test
    void returnsMatchingEventsInSequenceOrder() {
        List<Long> stored = append(5, VISIBLE);

        EventPage page = query(0, 50);

        assertThat(sequences(page)).isEqualTo(stored);
        assertThat(page.next()).isEqualTo(5);
    }

    @Test
    void asksAuthorizerWithActionSubscribeForEveryExaminedEvent() {
        append(3, VISIBLE);

        query(0, 50);

        assertThat(authorizer.requests()).hasSize(3).allSatisfy(r -> {
            assertThat(r.caller()).isEqualTo(SUBSCRIBER);
            assertThat(r.action()).isEqualTo(Action.SUBSCRIBE);
            assertThat(r.resource()).isEqualTo(TestEvents.RESOURCE);
            assertThat(r.event()).isNotNull();
        });
    }

    @Test
    void skipsDeniedEvents() {
        append(1, VISIBLE);
        append(1, HIDDEN);
        append(1, VISIBLE);
        append(1, HIDDEN);
        append(1, VISIBLE);

        EventPage page = query(0, 50);

        assertThat(sequences(page)).containsExactly(1L, 3L, 5L);
        assertThat(page.next()).isEqualTo(5);
    }

    @Test
    void fillsPageWithPermittedEventsFurtherOn() {
        append(30, HIDDEN);
        List<Long> visible = append(10, VISIBLE);

        EventPage page = query(0, 5);

        assertThat(sequences(page)).isEqualTo(visible.subList(0, 5));
        assertThat(page.next()).isEqualTo(visible.get(4));
    }

    @Test
    void continuesAfterAFullPageWithoutSkippingPermittedEvents() {
        append(30, HIDDEN);
        List<Long> visible = append(10, VISIBLE);

        EventPage first = query(0, 5);
        EventPage second = query(first.next(), 5);

        assertThat(sequences(second)).isEqualTo(visible.subList(5, 10));
    }

    @Test
    void stopsScanningAtMaxScanPerQuery() {
        append(100, HIDDEN);
        append(5, VISIBLE);

        EventPage page = query(0, 10, 25);

        assertThat(page.events()).isEmpty();
        assertThat(store.examined()).isEqualTo(25);
        assertThat(page.next()).isEqualTo(25);
    }

    @Test
    void neverExaminesMoreThanMaxScanEvenWithALargerPage() {
        append(100, VISIBLE);

        EventPage page = query(0, 50, 20);

        assertThat(store.examined()).isEqualTo(20);
        assertThat(sequences(page)).hasSize(20);
        assertThat(page.next()).isEqualTo(20);
    }

    @Test
    void nextPointsPastTheLastExaminedEvent() {
        append(7, HIDDEN);

        EventPage empty = query(0, 5);
        List<Long> later = append(2, VISIBLE);
        EventPage page = query(empty.next(), 5);

        assertThat(empty.events()).isEmpty();
        assertThat(empty.next()).isEqualTo(7);
        assertThat(sequences(page)).isEqualTo(later);
        assertThat(page.next()).isEqualTo(later.get(1));
    }

    @Test
    void callerWithNoGrantGetsAnEmptyPageWithNext() {
        append(120, VISIBLE);
        RecordingAuthorizer nothing = RecordingAuthorizer.denyAll();
        Events events = Events.builder().eventStore(store).authorizer(nothing).build();

        EventPage page = events.queryEvents().query(SUBSCRIBER, EventQuery.from(TestEvents.RESOURCE, 0));

        assertThat(page.events()).isEmpty();
        assertThat(page.next()).isEqualTo(120);
    }

    @Test
    void emptyStoreKeepsTheCursor() {
        assertThat(query(0, 50).next()).isZero();
        assertThat(query(42, 50).next()).isEqualTo(42);
    }

    @Test
    void doesNotAskAuthorizerWhenNothingMatches() {
        store.append(List.of(anEvent().resource("urn:altinn:resource:other").build()));

        EventPage page = query(0, 50);

        assertThat(page.events()).isEmpty();
        assertThat(authorizer.calls()).isEmpty();
    }

    @Test
    void authorizesOnlyEventsThatMatchTheQuery() {
        store.append(List.of(anEvent().resource("urn:altinn:resource:other").subject(VISIBLE).build()));
        append(2, VISIBLE);

        EventPage page = query(0, 50);

        assertThat(sequences(page)).containsExactly(2L, 3L);
        assertThat(authorizer.requests()).extracting(AccessRequest::resource).containsOnly(TestEvents.RESOURCE);
    }

    @Test
    void asksAuthorizerOnceWhenEveryEventIsPermitted() {
        append(200, VISIBLE);

        EventPage page = query(0, 50);

        assertThat(page.events()).hasSize(50);
        assertThat(store.reads()).hasSize(1);
        assertThat(authorizer.calls()).hasSize(1);
        assertThat(authorizer.calls().get(0)).hasSize(50);
    }

    @Test
    void asksAuthorizerOncePerStorePageNotPerEvent() {
        append(9, VISIBLE);
        append(40, HIDDEN);
        List<Long> last = append(1, VISIBLE);

        EventPage page = query(0, 10);

        assertThat(page.events()).hasSize(10);
        assertThat(page.next()).isEqualTo(last.get(0));
        assertThat(authorizer.calls().size()).isEqualTo(store.reads().size()).isLessThanOrEqualTo(2);
        assertThat(authorizer.requests()).hasSize(store.examined());
    }

    @Test
    void followingNextNeverSkipsOrRepeats() {
        List<Long> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            expected.addAll(append(1, VISIBLE));
            append(2, HIDDEN);
        }

        List<Long> seen = new ArrayList<>();
        long cursor = 0;
        for (int request = 0; request < 1_000; request++) {
            EventPage page = query(cursor, 7, 20);
            seen.addAll(sequences(page));
            assertThat(page.next()).isGreaterThanOrEqualTo(cursor);
            if (page.next() == cursor) {
                break;
            }
            cursor = page.next();
        }

        assertThat(seen).isEqualTo(expected);
        assertThat(cursor).isEqualTo(300);
    }
}
