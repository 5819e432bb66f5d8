package events.core;

import static events.testkit.TestEvents.anEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import events.domain.CloudEvent;
import events.domain.EventFilter;
import events.domain.EventPage;
import events.domain.EventQuery;
import events.domain.InvalidEventException;
import events.domain.StoredEvent;
import events.ports.AccessRequest;
import events.ports.Action;
import events.ports.Caller;
import events.testkit.InMemoryEventStore;
import events.testkit.RecordingAuthorizer;
import events.testkit.RecordingEventStore;
import events.testkit.TestEvents;
import events.support.SecretBox;
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

    private final SecretBox keys = SecretBox.random();

    private EventPage query(long after, int size) {
        return query(String.valueOf(after), size, 10_000);
    }

    private EventPage query(String after, int size) {
        return query(after, size, 10_000);
    }

    private EventPage query(long after, int size, int maxScan) {
        return query(String.valueOf(after), size, maxScan);
    }

    private EventPage query(String after, int size, int maxScan) {
        Events events = Events.builder().eventStore(store).authorizer(authorizer).maxScanPerQuery(maxScan)
                .secretBox(keys).build();
        return events.queryEvents().query(SUBSCRIBER, EventQuery.from(TestEvents.RESOURCE).withAfter(after)
                .withSize(size));
    }

    /** The position a page's sealed {@code next} stands for (the test holds the keys). */
    private long position(EventPage page) {
        return new PollCursors(keys).open(SUBSCRIBER.consumer(), EventFilter.of(TestEvents.RESOURCE), page.next());
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
        assertThat(position(page)).isEqualTo(5);
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
        assertThat(position(page)).isEqualTo(5);
    }

    @Test
    void fillsPageWithPermittedEventsFurtherOn() {
        append(30, HIDDEN);
        List<Long> visible = append(10, VISIBLE);

        EventPage page = query(0, 5);

        assertThat(sequences(page)).isEqualTo(visible.subList(0, 5));
        assertThat(position(page)).isEqualTo(visible.get(4));
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
        assertThat(position(page)).isEqualTo(25);
    }

    @Test
    void neverExaminesMoreThanMaxScanEvenWithALargerPage() {
        append(100, VISIBLE);

        EventPage page = query(0, 50, 20);

        assertThat(store.examined()).isEqualTo(20);
        assertThat(sequences(page)).hasSize(20);
        assertThat(position(page)).isEqualTo(20);
    }

    @Test
    void nextPointsPastTheLastExaminedEvent() {
        append(7, HIDDEN);

        EventPage empty = query(0, 5);
        List<Long> later = append(2, VISIBLE);
        EventPage page = query(empty.next(), 5);

        assertThat(empty.events()).isEmpty();
        assertThat(position(empty)).isEqualTo(7);
        assertThat(sequences(page)).isEqualTo(later);
        assertThat(position(page)).isEqualTo(later.get(1));
    }

    @Test
    void callerWithNoGrantGetsAnEmptyPageWithNext() {
        append(120, VISIBLE);
        RecordingAuthorizer nothing = RecordingAuthorizer.denyAll();
        Events events = Events.builder().eventStore(store).authorizer(nothing).secretBox(keys).build();

        EventPage page = events.queryEvents().query(SUBSCRIBER, EventQuery.from(TestEvents.RESOURCE));

        assertThat(page.events()).isEmpty();
        assertThat(position(page)).isEqualTo(120);
    }

    @Test
    void emptyStoreKeepsTheCursor() {
        assertThat(position(query(0, 50))).isZero();
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
        assertThat(position(page)).isEqualTo(last.get(0));
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
        String cursor = "0";
        long position = 0;
        for (int request = 0; request < 1_000; request++) {
            EventPage page = query(cursor, 7, 20);
            seen.addAll(sequences(page));
            assertThat(position(page)).isGreaterThanOrEqualTo(position);
            if (position(page) == position) {
                break;
            }
            cursor = page.next();
            position = position(page);
        }

        assertThat(seen).isEqualTo(expected);
        assertThat(position).isEqualTo(300);
    }

    // ---------------------------------------------------------------- what a cursor tells

    /**
     * The leak: a plain {@code next} pointed past hidden events, so a caller with no grant told "there are
     * events about this subject" ({@code after=6}) from "there are none" ({@code after=0}).
     */
    @Test
    void nextTellsACallerWithNoGrantNothingAboutTheEventsItStepsOver() {
        Events none = Events.builder().eventStore(new InMemoryEventStore()).authorizer(RecordingAuthorizer.denyAll())
                .secretBox(keys).build();
        InMemoryEventStore six = new InMemoryEventStore();
        six.append(IntStream.range(0, 6).mapToObj(i -> anEvent().subject(HIDDEN).build()).toList());
        Events hidden = Events.builder().eventStore(six).authorizer(RecordingAuthorizer.denyAll())
                .secretBox(keys).build();
        EventQuery aboutHidden = new EventQuery(new EventFilter(TestEvents.RESOURCE, HIDDEN, null, List.of()), "0", 50);

        EventPage overNothing = none.queryEvents().query(SUBSCRIBER, aboutHidden);
        EventPage overSix = hidden.queryEvents().query(SUBSCRIBER, aboutHidden);
        EventPage overSixAgain = hidden.queryEvents().query(SUBSCRIBER, aboutHidden);

        assertThat(overNothing.events()).isEmpty();
        assertThat(overSix.events()).isEmpty();
        assertThat(overSix.next()).hasSameSizeAs(overNothing.next())
                .isNotEqualTo(overSixAgain.next());
        assertThat(overNothing.next()).startsWith("c1.");
        assertThat(overSix.next()).startsWith("c1.");
    }

    @Test
    void aCursorOpensOnlyForTheCallerAndTheFilterItWasMadeFor() {
        append(3, VISIBLE);
        EventPage page = query(0, 50);
        Events events = Events.builder().eventStore(store).authorizer(authorizer).secretBox(keys).build();
        Caller someoneElse = new Caller("/org/other", Set.of(Caller.SCOPE_SUBSCRIBE), Map.of());
        EventQuery otherFilter = new EventQuery(new EventFilter(TestEvents.RESOURCE, VISIBLE, null, List.of()),
                page.next(), 50);

        assertThat(events.queryEvents().query(SUBSCRIBER, EventQuery.from(TestEvents.RESOURCE)
                .withAfter(page.next())).events()).isEmpty();
        assertThatThrownBy(() -> events.queryEvents().query(someoneElse,
                EventQuery.from(TestEvents.RESOURCE).withAfter(page.next())))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("after");
        assertThatThrownBy(() -> events.queryEvents().query(SUBSCRIBER, otherFilter))
                .isInstanceOf(InvalidEventException.class);
    }

    @Test
    void refusesPlainPositionsCursorsItDidNotGiveOutAndThoseOfOtherKeys() {
        append(3, VISIBLE);
        String sealedElsewhere = new PollCursors(SecretBox.random())
                .seal(SUBSCRIBER.consumer(), EventFilter.of(TestEvents.RESOURCE), 2);

        for (String cursor : List.of("c1.AAAA", "c1.!!!", "abc", "-1", "1e3", "99999999999999999999", sealedElsewhere,
                "1", "2", "00")) {
            assertThatThrownBy(() -> query(cursor, 50)).as(cursor).isInstanceOf(InvalidEventException.class);
        }
    }

    /** Whatever the caller may see, one request examines at most maxScanPerQuery events of a subject. */
    @Test
    void aSubjectWithManyHiddenEventsCostsAtMostTheScanBudget() {
        append(500, HIDDEN);
        Events events = Events.builder().eventStore(store).authorizer(RecordingAuthorizer.denyAll())
                .secretBox(keys).maxScanPerQuery(120).build();

        EventPage page = events.queryEvents().query(SUBSCRIBER,
                new EventQuery(new EventFilter(TestEvents.RESOURCE, HIDDEN, null, List.of()), "0", 50));

        assertThat(page.events()).isEmpty();
        assertThat(store.examined()).isEqualTo(120);
        assertThat(store.reads()).allSatisfy(r -> assertThat(r.examineAtMost()).isLessThanOrEqualTo(120));
    }
}
