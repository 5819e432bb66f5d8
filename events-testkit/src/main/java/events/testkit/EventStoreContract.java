package events.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import events.domain.CloudEvent;
import events.domain.EventData;
import events.domain.EventFilter;
import events.domain.EventQuery;
import events.domain.StoredEvent;
import events.domain.TypePattern;
import events.ports.EventScan;
import events.ports.EventStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link EventStore} must have (see its javadoc). An adapter's test extends this class
 * and implements {@link #newStore()}; every test asks for its own fresh, empty store.
 *
 * <p>Adapters whose storage can be shared by several processes (several server nodes on one database)
 * override {@link #storesSharingOneDatabase()} so that the concurrency test writes through several store
 * instances at once.
 */
public abstract class EventStoreContract {

    /** A fresh, empty store. Called once or more per test; the subclass closes what it opened. */
    protected abstract EventStore newStore();

    /**
     * Several stores on one fresh, empty database, as several server nodes would have them. The concurrency
     * test publishes through all of them and polls through the last one. Default: one store.
     */
    protected List<EventStore> storesSharingOneDatabase() {
        return List.of(newStore());
    }

    /** How many appends each of the publisher threads of the concurrency test makes. */
    protected int appendsPerPublisher() {
        return 100;
    }

    // ---------------------------------------------------------------- round trip

    @Test
    void appendAsyncCompletesWithTheNewlyStoredEventsOnceTheyAreReadable() throws Exception {
        EventStore store = newStore();
        CloudEvent first = TestEvents.anEvent().build();
        CloudEvent second = TestEvents.anEvent().build();
        store.append(List.of(first));

        List<StoredEvent> stored = store.appendAsync(List.of(first, second)).get(10, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(stored).extracting(StoredEvent::event).containsExactly(second);
        assertThat(readAll(store)).extracting(StoredEvent::event).containsExactly(first, second);
    }

    @Test
    void returnsEveryAttributeAndExtensionExactlyAsAppended() {
        EventStore store = newStore();
        CloudEvent event = TestEvents.anEvent()
                .subject("/party/1337")
                .time("2026-11-27T10:15:30.1+01:00")
                .dataContentType("application/json; charset=utf-8")
                .dataSchema("https://schemas.example.com/instance-created/v1.json")
                .extension(CloudEvent.RESOURCE_INSTANCE, "urn:altinn:instance:1337/6f0a")
                .extension(CloudEvent.ALTERNATIVE_SUBJECT, "/person/01017012345")
                .extension("count", 42)
                .extension("smallest", Integer.MIN_VALUE)
                .extension("largest", Integer.MAX_VALUE)
                .extension("flag", true)
                .extension("flagoff", false)
                .extension("numberastext", "42")
                .extension("booleanastext", "true")
                .extension("note", "æøå 😀 \"quoted\" \\ back {not json} ")
                .jsonData("{ \"a\" : [1, 2.50, 1e3, -0],\n  \"s\":\"x\\u00e6\", \"nested\": {\"k\": null} }")
                .build();

        List<StoredEvent> stored = store.append(List.of(event));

        assertThat(stored).singleElement().satisfies(s -> assertThat(s.event()).isEqualTo(event));
        assertThat(readAll(store)).containsExactlyElementsOf(stored);
        CloudEvent read = readAll(store).get(0).event();
        assertThat(read.extensions().get("count")).isInstanceOf(Integer.class);
        assertThat(read.extensions().get("flag")).isInstanceOf(Boolean.class);
        assertThat(read.extensions().get("numberastext")).isInstanceOf(String.class);
        assertThat(read.time()).isEqualTo("2026-11-27T10:15:30.1+01:00");
    }

    @Test
    void keepsTimeTextAsPublished() {
        EventStore store = newStore();
        List<CloudEvent> events = List.of(
                TestEvents.anEvent().time("2026-11-27t10:15:30z").build(),
                TestEvents.anEvent().time("2026-11-27T10:15:30.000000000Z").build(),
                TestEvents.anEvent().time("2026-11-27T23:59:59-12:00").build());

        store.append(events);

        assertThat(readAll(store)).extracting(s -> s.event().time())
                .containsExactly("2026-11-27t10:15:30z", "2026-11-27T10:15:30.000000000Z", "2026-11-27T23:59:59-12:00");
    }

    @Test
    void returnsBase64DataAsBase64() {
        EventStore store = newStore();
        CloudEvent event = TestEvents.anEvent()
                .dataContentType("application/octet-stream")
                .data(EventData.Base64.of(new byte[] {0, 1, 2, (byte) 0xff, 'a'}))
                .build();

        store.append(List.of(event));

        assertThat(readAll(store)).singleElement().satisfies(s -> {
            assertThat(s.event()).isEqualTo(event);
            assertThat(s.event().data()).isInstanceOf(EventData.Base64.class);
        });
    }

    @Test
    void returnsEventWithOnlyRequiredAttributesWithoutAddingAny() {
        EventStore store = newStore();
        CloudEvent event = CloudEvent.builder()
                .id("1").source("urn:x").type("t").resource(TestEvents.RESOURCE).build();

        store.append(List.of(event));

        assertThat(readAll(store)).singleElement().satisfies(s -> {
            assertThat(s.event()).isEqualTo(event);
            assertThat(s.event().data()).isNull();
            assertThat(s.event().subject()).isNull();
            assertThat(s.event().time()).isNull();
            assertThat(s.event().extensions()).containsOnlyKeys(CloudEvent.RESOURCE);
        });
    }

    @Test
    void returnsJsonDataThatIsNotAnObjectUnchanged() {
        EventStore store = newStore();
        List<CloudEvent> events = List.of("\"text\"", "null", "[1, 2]", "3.14", "true", "\"\"").stream()
                .map(json -> TestEvents.anEvent().jsonData(json).build())
                .collect(Collectors.toList());

        store.append(events);

        assertThat(readAll(store)).extracting(StoredEvent::event).containsExactlyElementsOf(events);
    }

    @Test
    void returnsLargeEventsAndLongIdentifiersUnchanged() {
        EventStore store = newStore();
        String big = "x".repeat(200 * 1024);
        CloudEvent event = TestEvents.anEvent()
                .id("id-" + "i".repeat(5000))
                .source("https://example.com/" + "s".repeat(5000))
                .subject("/party/" + "1".repeat(3000))
                .jsonData("{\"big\":\"" + big + "\"}")
                .build();

        store.append(List.of(event));
        List<StoredEvent> duplicate = store.append(List.of(event));

        assertThat(duplicate).isEmpty();
        assertThat(readAll(store)).singleElement().satisfies(s -> assertThat(s.event()).isEqualTo(event));
    }

    // ---------------------------------------------------------------- duplicates

    @Test
    void storesAnEventAppendedTwiceOnlyOnce() {
        EventStore store = newStore();
        CloudEvent event = TestEvents.anEvent().build();
        CloudEvent sameSourceAndId = event.toBuilder().type("something.else").jsonData("{\"n\":2}").build();

        List<StoredEvent> first = store.append(List.of(event));
        List<StoredEvent> second = store.append(List.of(sameSourceAndId));

        assertThat(first).hasSize(1);
        assertThat(second).isEmpty();
        assertThat(readAll(store)).singleElement().satisfies(s -> assertThat(s.event()).isEqualTo(event));
    }

    @Test
    void storesAnEventRepeatedWithinOneListOnlyOnce() {
        EventStore store = newStore();
        CloudEvent a = TestEvents.anEvent().build();
        CloudEvent b = TestEvents.anEvent().build();

        List<StoredEvent> stored = store.append(List.of(a, a.toBuilder().type("other").build(), b, a));

        assertThat(stored).extracting(StoredEvent::event).containsExactly(a, b);
        assertThat(readAll(store)).containsExactlyElementsOf(stored);
    }

    @Test
    void treatsTheSameIdFromAnotherSourceAsAnotherEvent() {
        EventStore store = newStore();
        CloudEvent a = TestEvents.anEvent().id("42").source("https://one.example.com").build();
        CloudEvent b = TestEvents.anEvent().id("42").source("https://two.example.com").build();
        CloudEvent c = TestEvents.anEvent().id("42 ").source("https://one.example.com").build();

        assertThat(store.append(List.of(a))).hasSize(1);
        assertThat(store.append(List.of(b, c))).hasSize(2);
        assertThat(readAll(store)).extracting(StoredEvent::event).containsExactly(a, b, c);
    }

    @Test
    void returnsOnlyTheNewlyStoredEventsInSequenceOrder() {
        EventStore store = newStore();
        CloudEvent a = TestEvents.anEvent().build();
        CloudEvent b = TestEvents.anEvent().build();
        CloudEvent c = TestEvents.anEvent().build();
        CloudEvent d = TestEvents.anEvent().build();
        store.append(List.of(a, b));

        List<StoredEvent> stored = store.append(List.of(b, c, a, d));

        assertThat(stored).extracting(StoredEvent::event).containsExactly(c, d);
        assertThat(stored.get(0).sequence()).isLessThan(stored.get(1).sequence());
        assertThat(readAll(store)).extracting(StoredEvent::event).containsExactly(a, b, c, d);
    }

    @Test
    void appendingNoEventsStoresNothing() {
        EventStore store = newStore();

        assertThat(store.append(List.of())).isEmpty();
        assertThat(readAll(store)).isEmpty();
    }

    // ---------------------------------------------------------------- sequences

    @Test
    void givesStrictlyIncreasingSequencesWithinAndAcrossAppends() {
        EventStore store = newStore();
        List<StoredEvent> stored = new ArrayList<>();
        stored.addAll(store.append(List.of(TestEvents.anEvent().build())));
        stored.addAll(store.append(events(5, i -> TestEvents.anEvent().build())));
        stored.addAll(store.append(List.of(TestEvents.anEvent().build(), TestEvents.anEvent().build())));

        assertThat(stored).hasSize(8);
        assertThat(stored.get(0).sequence()).isPositive();
        for (int i = 1; i < stored.size(); i++) {
            assertThat(stored.get(i).sequence()).isGreaterThan(stored.get(i - 1).sequence());
        }
        assertThat(readAll(store)).containsExactlyElementsOf(stored);
    }

    // ---------------------------------------------------------------- filters

    @Test
    void returnsOnlyEventsOfTheQueriedResource() {
        EventStore store = newStore();
        CloudEvent mine = TestEvents.anEvent().build();
        CloudEvent other = TestEvents.anEvent().resource("urn:altinn:resource:other").build();
        CloudEvent prefixed = TestEvents.anEvent().resource(TestEvents.RESOURCE + "-2").build();
        store.append(List.of(mine, other, prefixed));

        assertThat(events(read(store, EventFilter.of(TestEvents.RESOURCE), 0, 50))).containsExactly(mine);
        assertThat(events(read(store, EventFilter.of("urn:altinn:resource:other"), 0, 50))).containsExactly(other);
        assertThat(events(read(store, EventFilter.of("urn:altinn:resource:none"), 0, 50))).isEmpty();
    }

    @Test
    void filtersBySubject() {
        EventStore store = newStore();
        CloudEvent p1 = TestEvents.anEvent().subject("/party/1").build();
        CloudEvent p2 = TestEvents.anEvent().subject("/party/2").build();
        CloudEvent none = TestEvents.anEvent().subject(null).build();
        CloudEvent p1Again = TestEvents.anEvent().subject("/party/1").build();
        CloudEvent longer = TestEvents.anEvent().subject("/party/10").build();
        store.append(List.of(p1, p2, none, p1Again, longer));

        EventFilter filter = new EventFilter(TestEvents.RESOURCE, "/party/1", null, List.of());

        assertThat(events(read(store, filter, 0, 50))).containsExactly(p1, p1Again);
    }

    @Test
    void filtersByAlternativeSubject() {
        EventStore store = newStore();
        CloudEvent a = TestEvents.anEvent().extension(CloudEvent.ALTERNATIVE_SUBJECT, "/person/1").build();
        CloudEvent b = TestEvents.anEvent().extension(CloudEvent.ALTERNATIVE_SUBJECT, "/person/2").build();
        CloudEvent none = TestEvents.anEvent().build();
        CloudEvent subjectOnly = TestEvents.anEvent().subject("/person/1").build();
        store.append(List.of(a, b, none, subjectOnly));

        EventFilter filter = new EventFilter(TestEvents.RESOURCE, null, "/person/1", List.of());

        assertThat(events(read(store, filter, 0, 50))).containsExactly(a);
    }

    @Test
    void matchesAnyOfSeveralTypePatternsWithPercentAndUnderscoreWildcards() {
        EventStore store = newStore();
        CloudEvent created = typed("app.instance.created");
        CloudEvent deleted = typed("app.instance.deleted");
        CloudEvent other = typed("app.other");
        CloudEvent otherLonger = typed("app.other.more");
        CloudEvent abc = typed("abc");
        CloudEvent abbc = typed("abbc");
        CloudEvent unrelated = typed("no.match");
        store.append(List.of(created, deleted, other, otherLonger, abc, abbc, unrelated));

        assertThat(events(read(store, typeFilter("app.instance.%", "app.other", "a_c"), 0, 50)))
                .containsExactly(created, deleted, other, abc);
        assertThat(events(read(store, typeFilter("%.created"), 0, 50))).containsExactly(created);
        assertThat(events(read(store, typeFilter("app.instance.d_____d"), 0, 50))).containsExactly(deleted);
        assertThat(events(read(store, typeFilter("app"), 0, 50))).isEmpty();
    }

    @Test
    void treatsEveryCharacterButPercentAndUnderscoreLiterallyInTypePatterns() {
        EventStore store = newStore();
        CloudEvent backslash = typed("a\\b");
        CloudEvent bracket = typed("a[b]c");
        CloudEvent bang = typed("a!b");
        CloudEvent dotted = typed("a.b");
        CloudEvent axb = typed("axb");
        CloudEvent upper = typed("A.B");
        store.append(List.of(backslash, bracket, bang, dotted, axb, upper));

        assertThat(events(read(store, typeFilter("a\\b"), 0, 50))).containsExactly(backslash);
        assertThat(events(read(store, typeFilter("a\\%"), 0, 50))).containsExactly(backslash);
        assertThat(events(read(store, typeFilter("a[b]%"), 0, 50))).containsExactly(bracket);
        assertThat(events(read(store, typeFilter("a!%"), 0, 50))).containsExactly(bang);
        assertThat(events(read(store, typeFilter("a.b"), 0, 50))).containsExactly(dotted);
        assertThat(events(read(store, typeFilter("a._"), 0, 50))).containsExactly(dotted);
    }

    @Test
    void combinesSubjectAndTypeFiltersWithAnd() {
        EventStore store = newStore();
        CloudEvent wanted = TestEvents.anEvent().subject("/party/1").type("a.created").build();
        CloudEvent wrongType = TestEvents.anEvent().subject("/party/1").type("a.deleted").build();
        CloudEvent wrongSubject = TestEvents.anEvent().subject("/party/2").type("a.created").build();
        store.append(List.of(wanted, wrongType, wrongSubject));

        EventFilter filter = new EventFilter(TestEvents.RESOURCE, "/party/1", null,
                List.of(new TypePattern("%.created")));

        assertThat(events(read(store, filter, 0, 50))).containsExactly(wanted);
    }

    // ---------------------------------------------------------------- paging

    @Test
    void returnsAtMostSizeEventsAndTheSequenceOfTheLastAsNext() {
        EventStore store = newStore();
        List<StoredEvent> stored = store.append(events(10, i -> TestEvents.anEvent().build()));

        EventScan first = read(store, EventFilter.of(TestEvents.RESOURCE), 0, 4);
        EventScan second = read(store, EventFilter.of(TestEvents.RESOURCE), first.next(), 4);
        EventScan third = read(store, EventFilter.of(TestEvents.RESOURCE), second.next(), 4);
        EventScan fourth = read(store, EventFilter.of(TestEvents.RESOURCE), third.next(), 4);

        assertThat(first.events()).containsExactlyElementsOf(stored.subList(0, 4));
        assertThat(first.next()).isEqualTo(stored.get(3).sequence());
        assertThat(second.events()).containsExactlyElementsOf(stored.subList(4, 8));
        assertThat(second.next()).isEqualTo(stored.get(7).sequence());
        assertThat(third.events()).containsExactlyElementsOf(stored.subList(8, 10));
        assertThat(third.next()).isEqualTo(stored.get(9).sequence());
        assertThat(fourth.events()).isEmpty();
        assertThat(fourth.next()).isEqualTo(third.next());
    }

    @Test
    void returnsEventsAfterTheCursorOnly() {
        EventStore store = newStore();
        List<StoredEvent> stored = store.append(events(5, i -> TestEvents.anEvent().build()));

        EventScan page = read(store, EventFilter.of(TestEvents.RESOURCE), stored.get(1).sequence(), 50);

        assertThat(page.events()).containsExactlyElementsOf(stored.subList(2, 5));
    }

    @Test
    void keepsTheCursorWhereItWasWhenNothingMatches() {
        EventStore store = newStore();
        assertThat(read(store, EventFilter.of(TestEvents.RESOURCE), 0, 50)).isEqualTo(new EventScan(List.of(), 0, 0));
        assertThat(read(store, EventFilter.of(TestEvents.RESOURCE), 42, 50)).isEqualTo(new EventScan(List.of(), 42, 0));

        List<StoredEvent> stored = store.append(events(3, i -> TestEvents.anEvent().subject("/party/1").build()));
        EventFilter noSuchSubject = new EventFilter(TestEvents.RESOURCE, "/party/2", null, List.of());
        long last = stored.get(2).sequence();

        assertThat(read(store, noSuchSubject, 0, 50).next()).isZero();
        assertThat(read(store, EventFilter.of(TestEvents.RESOURCE), last, 50)).isEqualTo(new EventScan(List.of(), last, 0));
    }

    @Test
    void visitsEveryMatchingEventOnceWhenFollowingNextThroughFilteredPages() {
        EventStore store = newStore();
        List<StoredEvent> stored = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            stored.addAll(store.append(events(7, i -> TestEvents.anEvent().subject("/party/" + (i % 3)).build())));
            store.append(List.of(TestEvents.anEvent().resource("urn:altinn:resource:other").subject("/party/0").build()));
        }
        List<StoredEvent> expected = stored.stream()
                .filter(s -> "/party/0".equals(s.event().subject())).collect(Collectors.toList());

        List<StoredEvent> visited = new ArrayList<>();
        EventFilter filter = new EventFilter(TestEvents.RESOURCE, "/party/0", null, List.of());
        long after = 0;
        for (int pages = 0; pages < 100; pages++) {
            EventScan page = read(store, filter, after, 2);
            if (page.events().isEmpty()) {
                break;
            }
            assertThat(page.next()).isEqualTo(page.events().get(page.events().size() - 1).sequence());
            visited.addAll(page.events());
            after = page.next();
        }

        assertThat(visited).containsExactlyElementsOf(expected);
    }

    // ---------------------------------------------------------------- bounded reads

    @Test
    void examinesAtMostTheBudgetAndContinuesFromTheLastEventExamined() {
        EventStore store = newStore();
        List<StoredEvent> stored = store.append(events(10, i -> typed("a.x")));
        EventFilter noType = typeFilter("b.%");

        EventScan first = store.read(noType, 0, 50, 4);
        EventScan rest = store.read(noType, first.next(), 50, 100);

        assertThat(first.events()).isEmpty();
        assertThat(first.examined()).isEqualTo(4);
        assertThat(first.next()).isEqualTo(stored.get(3).sequence());
        assertThat(rest.examined()).isEqualTo(6);
        assertThat(rest.next()).isEqualTo(stored.get(9).sequence());
    }

    @Test
    void examinesOnlyEventsWithTheFilteredSubjects() {
        EventStore store = newStore();
        List<StoredEvent> stored = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            stored.addAll(store.append(List.of(TestEvents.anEvent().subject("/party/1").build())));
            store.append(events(5, n -> TestEvents.anEvent().subject("/party/2").build()));
        }
        EventFilter party1 = new EventFilter(TestEvents.RESOURCE, "/party/1", null, List.of());

        EventScan scan = store.read(party1, 0, 50, 2);

        assertThat(scan.events()).containsExactlyElementsOf(stored.subList(0, 2));
        assertThat(scan.examined()).isEqualTo(2);
        assertThat(scan.next()).isEqualTo(stored.get(1).sequence());
    }

    @Test
    void stopsAtTheSizethMatchWithinTheBudget() {
        EventStore store = newStore();
        List<StoredEvent> stored = store.append(List.of(typed("a.x"), typed("b.x"), typed("a.y"), typed("b.y"),
                typed("b.z")));

        EventScan scan = store.read(typeFilter("b.%"), 0, 2, 100);

        assertThat(scan.events()).containsExactly(stored.get(1), stored.get(3));
        assertThat(scan.examined()).isEqualTo(4);
        assertThat(scan.next()).isEqualTo(stored.get(3).sequence());
    }

    // ---------------------------------------------------------------- every resource, by sequence

    @Test
    void readAllReturnsEventsOfEveryResourceAfterTheCursorInSequenceOrder() {
        EventStore store = newStore();
        List<StoredEvent> stored = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            stored.addAll(store.append(List.of(
                    TestEvents.anEvent().build(),
                    TestEvents.anEvent().resource("urn:altinn:resource:other").build())));
        }

        assertThat(store.readAll(0, 100)).containsExactlyElementsOf(stored);
        assertThat(store.readAll(0, 3)).containsExactlyElementsOf(stored.subList(0, 3));
        assertThat(store.readAll(stored.get(2).sequence(), 3)).containsExactlyElementsOf(stored.subList(3, 6));
        assertThat(store.readAll(stored.get(7).sequence(), 10)).isEmpty();
    }

    @Test
    void retentionDeletesTheEventsStoredBeforeTheCutoffUpToTheGivenSequence() throws InterruptedException {
        EventStore store = newStore();
        List<StoredEvent> old = store.append(events(3, i -> TestEvents.anEvent().build()));
        // The store takes its own time (the database's clock): leave a margin on both sides of the cutoff.
        Thread.sleep(100);
        java.time.Instant cutoff = java.time.Instant.now();
        Thread.sleep(100);
        List<StoredEvent> young = store.append(events(2, i -> TestEvents.anEvent().build()));

        assertThat(store.deleteStoredBefore(cutoff, old.get(1).sequence(), 10)).as("only up to the second")
                .isEqualTo(2);
        assertThat(store.deleteStoredBefore(cutoff, Long.MAX_VALUE, 2)).isEqualTo(1);
        assertThat(store.deleteStoredBefore(cutoff, Long.MAX_VALUE, 2)).isZero();

        assertThat(store.readAll(0, 10)).isEqualTo(young);
        assertThat(store.get(List.of(old.get(0).sequence(), young.get(0).sequence()))).containsExactly(young.get(0));
        StoredEvent again = store.append(List.of(old.get(0).event())).get(0);
        assertThat(again.sequence()).as("a deleted event can be stored anew, with a new sequence")
                .isGreaterThan(young.get(1).sequence());
    }

    @Test
    void lastSequenceIsZeroWhenEmptyThenTheSequenceOfTheLastEventStored() {
        EventStore store = newStore();
        assertThat(store.lastSequence()).isZero();

        List<StoredEvent> stored = store.append(events(3, i -> TestEvents.anEvent().build()));
        assertThat(store.lastSequence()).isEqualTo(stored.get(2).sequence());

        store.append(List.of(stored.get(0).event()));
        assertThat(store.lastSequence()).as("a duplicate stores nothing").isEqualTo(stored.get(2).sequence());
        StoredEvent other = store.append(List.of(TestEvents.anEvent().resource("urn:altinn:resource:x").build())).get(0);
        assertThat(store.lastSequence()).isEqualTo(other.sequence());
        assertThat(store.readAll(store.lastSequence(), 10)).isEmpty();
    }

    @Test
    void readAllVisitsEveryEventOnceWhenFollowingTheLastSequence() {
        EventStore store = newStore();
        List<StoredEvent> stored = new ArrayList<>();
        stored.addAll(store.append(events(5, i -> TestEvents.anEvent().build())));
        store.append(List.of(stored.get(0).event()));
        stored.addAll(store.append(events(4, i -> TestEvents.anEvent().resource("urn:altinn:resource:x").build())));

        List<StoredEvent> visited = new ArrayList<>();
        long after = 0;
        for (int pages = 0; pages < 100; pages++) {
            List<StoredEvent> page = store.readAll(after, 2);
            if (page.isEmpty()) {
                break;
            }
            assertThat(page).hasSizeLessThanOrEqualTo(2);
            visited.addAll(page);
            after = page.get(page.size() - 1).sequence();
        }

        assertThat(visited).containsExactlyElementsOf(stored);
        assertThat(store.readAll(0, 0)).isEmpty();
    }

    @Test
    void getReturnsTheEventsWithTheseSequencesInSequenceOrder() {
        EventStore store = newStore();
        List<StoredEvent> stored = new ArrayList<>();
        stored.addAll(store.append(events(3, i -> TestEvents.anEvent().build())));
        stored.addAll(store.append(List.of(TestEvents.anEvent().resource("urn:altinn:resource:other").build())));
        long missing = stored.get(3).sequence() + 1000;

        List<StoredEvent> got = store.get(List.of(stored.get(3).sequence(), stored.get(0).sequence(), missing,
                stored.get(0).sequence()));

        assertThat(got).containsExactly(stored.get(0), stored.get(3));
        assertThat(store.get(List.of())).isEmpty();
        assertThat(store.get(List.of(missing))).isEmpty();
        assertThat(store.get(stored.stream().map(StoredEvent::sequence).collect(Collectors.toList())))
                .containsExactlyElementsOf(stored);
    }

    // ---------------------------------------------------------------- availability

    @Test
    void reportsItselfAvailable() {
        assertThat(newStore().isAvailable()).isTrue();
    }

    // ---------------------------------------------------------------- concurrency

    /**
     * Eight publishers append single events and small batches (and re-send some batches) through the stores
     * of {@link #storesSharingOneDatabase()}, while one poller follows {@code next} from 0. The poller must
     * see every acknowledged event exactly once, in increasing sequence, each within a second of its
     * {@code append} returning.
     */
    @Test
    @Timeout(180)
    void pollerFollowingNextSeesEveryAcknowledgedEventOnceInOrderWithinASecond() throws Exception {
        new ConcurrentPublishing(storesSharingOneDatabase(), 8, appendsPerPublisher()).runAndVerify();
    }

    // ---------------------------------------------------------------- helpers

    /** Every event of {@link TestEvents#RESOURCE}, following {@code next} through pages of 1000. */
    public static List<StoredEvent> readAll(EventStore store) {
        List<StoredEvent> all = new ArrayList<>();
        long after = 0;
        while (true) {
            EventScan page = read(store, EventFilter.of(TestEvents.RESOURCE), after, EventQuery.MAX_SIZE);
            if (page.events().isEmpty()) {
                return all;
            }
            all.addAll(page.events());
            after = page.next();
        }
    }

    /** A store read without an examination budget to speak of. */
    public static EventScan read(EventStore store, EventFilter filter, long after, int size) {
        return store.read(filter, after, size, Integer.MAX_VALUE);
    }

    private static List<CloudEvent> events(EventScan page) {
        return page.events().stream().map(StoredEvent::event).collect(Collectors.toList());
    }

    private static List<CloudEvent> events(int count, java.util.function.IntFunction<CloudEvent> factory) {
        return IntStream.range(0, count).mapToObj(factory).collect(Collectors.toList());
    }

    private static CloudEvent typed(String type) {
        return TestEvents.anEvent().type(type).build();
    }

    private static EventFilter typeFilter(String... patterns) {
        return new EventFilter(TestEvents.RESOURCE, null, null,
                Arrays.stream(patterns).map(TypePattern::new).collect(Collectors.toList()));
    }
}
