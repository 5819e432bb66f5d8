package events.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EventQueryTest {

    private static final String RESOURCE = "urn:altinn:resource:ttd-test";

    private static EventQuery query(String resource, long after, String subject, String alternativeSubject, int size) {
        return new EventQuery(resource, after, subject, alternativeSubject, List.of(), size);
    }

    static Stream<Arguments> invalidQueries() {
        return Stream.of(
                arguments("resource missing", (Supplier<EventQuery>) () -> query(null, 0, null, null, 50), "resource"),
                arguments("resource empty", (Supplier<EventQuery>) () -> query("", 0, null, null, 50), "resource"),
                arguments("after negative", (Supplier<EventQuery>) () -> query(RESOURCE, -1, null, null, 50), "after"),
                arguments("after Long.MIN_VALUE",
                        (Supplier<EventQuery>) () -> query(RESOURCE, Long.MIN_VALUE, null, null, 50), "after"),
                arguments("size 0", (Supplier<EventQuery>) () -> query(RESOURCE, 0, null, null, 0), "size"),
                arguments("size negative", (Supplier<EventQuery>) () -> query(RESOURCE, 0, null, null, -5), "size"),
                arguments("size 1001", (Supplier<EventQuery>) () -> query(RESOURCE, 0, null, null, 1001), "size"),
                arguments("subject and alternative subject",
                        (Supplier<EventQuery>) () -> query(RESOURCE, 0, "/party/1", "/person/1", 50), "subject"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidQueries")
    void rejectsQueryNamingTheFailingParameter(String description, Supplier<EventQuery> query, String attribute) {
        InvalidEventException e = catchThrowableOfType(InvalidEventException.class, query::get);

        assertThat(e).as(description).isNotNull();
        assertThat(e.violations()).extracting(Violation::attribute).containsExactly(attribute);
    }

    @Test
    void namesEveryFailingParameterAtOnce() {
        InvalidEventException e = catchThrowableOfType(InvalidEventException.class,
                () -> query(null, -1, "/party/1", "/person/1", 0));

        assertThat(e.violations()).extracting(Violation::attribute)
                .containsExactlyInAnyOrder("resource", "after", "subject", "size");
    }

    static Stream<Arguments> validQueries() {
        return Stream.of(
                arguments("smallest page", (Supplier<EventQuery>) () -> query(RESOURCE, 0, null, null, 1)),
                arguments("largest page", (Supplier<EventQuery>) () -> query(RESOURCE, 0, null, null, 1000)),
                arguments("cursor Long.MAX_VALUE",
                        (Supplier<EventQuery>) () -> query(RESOURCE, Long.MAX_VALUE, null, null, 50)),
                arguments("subject only", (Supplier<EventQuery>) () -> query(RESOURCE, 3, "/party/1", null, 50)),
                arguments("alternative subject only",
                        (Supplier<EventQuery>) () -> query(RESOURCE, 3, null, "/person/1", 50)),
                arguments("types null", (Supplier<EventQuery>) () -> new EventQuery(RESOURCE, 0, null, null, null, 50)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validQueries")
    void acceptsValidQuery(String description, Supplier<EventQuery> query) {
        assertThatCode(query::get).as(description).doesNotThrowAnyException();
    }

    @Test
    void startsFromDefaults() {
        EventQuery query = EventQuery.from(RESOURCE, 0);

        assertThat(query.size()).isEqualTo(EventQuery.DEFAULT_SIZE);
        assertThat(query.types()).isEmpty();
        assertThat(query.subject()).isNull();
        assertThat(query.alternativeSubject()).isNull();
    }

    @Test
    void copiesTypePatternsDefensively() {
        List<TypePattern> types = new ArrayList<>(List.of(new TypePattern("a.%")));
        EventQuery query = new EventQuery(RESOURCE, 0, null, null, types, 50);
        types.add(new TypePattern("b"));

        assertThat(query.types()).containsExactly(new TypePattern("a.%"));
    }

    @Test
    void derivesVariantsWithNewCursorAndSize() {
        EventQuery query = new EventQuery(RESOURCE, 0, "/party/1", null, List.of(new TypePattern("a")), 50);

        assertThat(query.withAfter(42)).isEqualTo(new EventQuery(RESOURCE, 42, "/party/1", null,
                List.of(new TypePattern("a")), 50));
        assertThat(query.withSize(7).size()).isEqualTo(7);
        assertThat(catchThrowableOfType(InvalidEventException.class, () -> query.withSize(0))).isNotNull();
    }

    private static CloudEvent.Builder anEvent() {
        return CloudEvent.builder().id("1").source("/s").type("app.instance.created").subject("/party/1")
                .resource(RESOURCE).extension("alternativesubject", "/person/1");
    }

    @Test
    void matchesOnResourceSubjectAlternativeSubjectAndAnyType() {
        CloudEvent event = anEvent().build();

        assertThat(EventQuery.from(RESOURCE, 0).matches(event)).isTrue();
        assertThat(EventQuery.from("urn:altinn:resource:other", 0).matches(event)).isFalse();
        assertThat(query(RESOURCE, 0, "/party/1", null, 50).matches(event)).isTrue();
        assertThat(query(RESOURCE, 0, "/party/2", null, 50).matches(event)).isFalse();
        assertThat(query(RESOURCE, 0, null, "/person/1", 50).matches(event)).isTrue();
        assertThat(query(RESOURCE, 0, null, "/person/2", 50).matches(event)).isFalse();
        assertThat(new EventQuery(RESOURCE, 0, null, null,
                List.of(new TypePattern("nope"), new TypePattern("app.%")), 50).matches(event)).isTrue();
        assertThat(new EventQuery(RESOURCE, 0, null, null,
                List.of(new TypePattern("nope"), new TypePattern("app._")), 50).matches(event)).isFalse();
    }

    @Test
    void alternativeSubjectDoesNotMatchEventWithoutOne() {
        CloudEvent event = anEvent().extension("alternativesubject", null).build();

        assertThat(query(RESOURCE, 0, null, "/person/1", 50).matches(event)).isFalse();
    }
}
