package events.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EventQueryTest {

    private static final String RESOURCE = "urn:altinn:resource:ttd-test";

    private static EventQuery query(String after, int size) {
        return new EventQuery(EventFilter.of(RESOURCE), after, size);
    }

    static Stream<Arguments> invalidQueries() {
        return Stream.of(
                arguments("resource missing", (Supplier<?>) () -> EventFilter.of(null), "resource"),
                arguments("resource empty", (Supplier<?>) () -> EventFilter.of(""), "resource"),
                arguments("filter missing", (Supplier<?>) () -> new EventQuery(null, "0", 50), "resource"),
                arguments("after missing", (Supplier<?>) () -> query(null, 50), "after"),
                arguments("after empty", (Supplier<?>) () -> query("", 50), "after"),
                arguments("after too long", (Supplier<?>) () -> query("1".repeat(257), 50), "after"),
                arguments("size 0", (Supplier<?>) () -> query("0", 0), "size"),
                arguments("size negative", (Supplier<?>) () -> query("0", -5), "size"),
                arguments("size 1001", (Supplier<?>) () -> query("0", 1001), "size"),
                arguments("subject and alternative subject",
                        (Supplier<?>) () -> new EventFilter(RESOURCE, "/party/1", "/person/1", List.of()), "subject"),
                arguments("21 type patterns", (Supplier<?>) () -> new EventFilter(RESOURCE, null, null,
                        Collections.nCopies(21, new TypePattern("a"))), "type"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidQueries")
    void rejectsQueryNamingTheFailingParameter(String description, Supplier<?> query, String attribute) {
        InvalidEventException e = catchThrowableOfType(InvalidEventException.class, query::get);

        assertThat(e).as(description).isNotNull();
        assertThat(e.violations()).extracting(Violation::attribute).containsExactly(attribute);
    }

    @Test
    void namesEveryFailingParameterAtOnce() {
        InvalidEventException e = catchThrowableOfType(InvalidEventException.class,
                () -> new EventQuery(null, "", 0));

        assertThat(e.violations()).extracting(Violation::attribute)
                .containsExactlyInAnyOrder("resource", "after", "size");
    }

    static Stream<Arguments> validQueries() {
        return Stream.of(
                arguments("smallest page", (Supplier<?>) () -> query("0", 1)),
                arguments("largest page", (Supplier<?>) () -> query("0", 1000)),
                arguments("longest cursor", (Supplier<?>) () -> query("1".repeat(256), 50)),
                arguments("subject only", (Supplier<?>) () -> new EventFilter(RESOURCE, "/party/1", null, null)),
                arguments("alternative subject only",
                        (Supplier<?>) () -> new EventFilter(RESOURCE, null, "/person/1", null)),
                arguments("20 type patterns", (Supplier<?>) () -> new EventFilter(RESOURCE, null, null,
                        Collections.nCopies(20, new TypePattern("a")))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validQueries")
    void acceptsValidQuery(String description, Supplier<?> query) {
        assertThatCode(query::get).as(description).doesNotThrowAnyException();
    }

    @Test
    void startsFromDefaults() {
        EventQuery query = EventQuery.from(RESOURCE);

        assertThat(query.size()).isEqualTo(EventQuery.DEFAULT_SIZE);
        assertThat(query.after()).isEqualTo(EventQuery.START);
        assertThat(query.filter()).isEqualTo(new EventFilter(RESOURCE, null, null, List.of()));
    }

    @Test
    void copiesTypePatternsDefensively() {
        List<TypePattern> types = new ArrayList<>(List.of(new TypePattern("a.%")));
        EventFilter filter = new EventFilter(RESOURCE, null, null, types);
        types.add(new TypePattern("b"));

        assertThat(filter.types()).containsExactly(new TypePattern("a.%"));
    }

    @Test
    void derivesVariantsWithNewCursorAndSize() {
        EventQuery query = query("0", 50);

        assertThat(query.withAfter("abc")).isEqualTo(query("abc", 50));
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

        assertThat(EventFilter.of(RESOURCE).matches(event)).isTrue();
        assertThat(EventFilter.of("urn:altinn:resource:other").matches(event)).isFalse();
        assertThat(new EventFilter(RESOURCE, "/party/1", null, null).matches(event)).isTrue();
        assertThat(new EventFilter(RESOURCE, "/party/2", null, null).matches(event)).isFalse();
        assertThat(new EventFilter(RESOURCE, null, "/person/1", null).matches(event)).isTrue();
        assertThat(new EventFilter(RESOURCE, null, "/person/2", null).matches(event)).isFalse();
        assertThat(new EventFilter(RESOURCE, null, null,
                List.of(new TypePattern("nope"), new TypePattern("app.%"))).matches(event)).isTrue();
        assertThat(new EventFilter(RESOURCE, null, null,
                List.of(new TypePattern("nope"), new TypePattern("app._"))).matches(event)).isFalse();
    }

    @Test
    void alternativeSubjectDoesNotMatchEventWithoutOne() {
        CloudEvent event = anEvent().extension("alternativesubject", null).build();

        assertThat(new EventFilter(RESOURCE, null, "/person/1", null).matches(event)).isFalse();
    }
}
