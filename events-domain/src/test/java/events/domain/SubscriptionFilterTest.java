package events.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class SubscriptionFilterTest {
    private static final CloudEvent EVENT = CloudEvent.builder().specVersion("1.0").id("e-1")
            .source("https://ttd.example/app").type("app.instance.created").subject("/party/1337")
            .resource("urn:altinn:resource:ttd-svc").extension("priority", 3).extension("urgent", true).build();
    /** No sql in these rows: an sql filter would fail the test. */
    private static final java.util.function.Function<String, Predicate<CloudEvent>> NO_SQL = e -> {
        throw new AssertionError("no sql expected");
    };

    static Stream<Arguments> filters() {
        SubscriptionFilter typeIs = new SubscriptionFilter.Exact(Map.of("type", "app.instance.created"));
        SubscriptionFilter missing = new SubscriptionFilter.Exact(Map.of("nosuchattribute", ""));
        return Stream.of(
                Arguments.of(typeIs, true),
                Arguments.of(new SubscriptionFilter.Exact(Map.of("type", "app.instance")), false),
                Arguments.of(new SubscriptionFilter.Exact(Map.of("type", "app.instance.created", "subject", "/party/1")),
                        false),
                Arguments.of(new SubscriptionFilter.Exact(Map.of("priority", "3", "urgent", "true")), true),
                Arguments.of(missing, false),
                Arguments.of(new SubscriptionFilter.Prefix(Map.of("source", "https://ttd.")), true),
                Arguments.of(new SubscriptionFilter.Prefix(Map.of("source", "http://")), false),
                Arguments.of(new SubscriptionFilter.Prefix(Map.of("nosuchattribute", "")), false),
                Arguments.of(new SubscriptionFilter.Suffix(Map.of("subject", "/1337")), true),
                Arguments.of(new SubscriptionFilter.Suffix(Map.of("subject", "/1338")), false),
                Arguments.of(new SubscriptionFilter.All(List.of(typeIs, new SubscriptionFilter.Suffix(
                        Map.of("subject", "1337")))), true),
                Arguments.of(new SubscriptionFilter.All(List.of(typeIs, missing)), false),
                Arguments.of(new SubscriptionFilter.Any(List.of(missing, typeIs)), true),
                Arguments.of(new SubscriptionFilter.Any(List.of(missing, missing)), false),
                Arguments.of(new SubscriptionFilter.Not(missing), true),
                Arguments.of(new SubscriptionFilter.Not(typeIs), false));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("filters")
    void matchesLikeTheSubscriptionsApiSays(SubscriptionFilter filter, boolean matches) {
        assertThat(filter.toPredicate(NO_SQL).test(EVENT)).isEqualTo(matches);
    }

    @Test
    void sqlIsCompiledByTheCaller() {
        SubscriptionFilter sql = new SubscriptionFilter.Not(new SubscriptionFilter.Sql("type = 'x'"));
        assertThat(sql.toPredicate(expression -> e -> expression.equals("type = 'x'")).test(EVENT)).isFalse();
    }

    @Test
    void refusesEmptyAndMalformedFilters() {
        assertThatThrownBy(() -> new SubscriptionFilter.Exact(Map.of())).isInstanceOf(InvalidSubscriptionException.class);
        assertThatThrownBy(() -> new SubscriptionFilter.Prefix(Map.of("Type", "x")))
                .isInstanceOf(InvalidSubscriptionException.class).hasMessageContaining("Type");
        assertThatThrownBy(() -> new SubscriptionFilter.Suffix(Collections.singletonMap("type", null)))
                .isInstanceOf(InvalidSubscriptionException.class).hasMessageContaining("must be a string");
        assertThatThrownBy(() -> new SubscriptionFilter.All(List.of())).isInstanceOf(InvalidSubscriptionException.class);
        assertThatThrownBy(() -> new SubscriptionFilter.Any(null)).isInstanceOf(InvalidSubscriptionException.class);
        assertThatThrownBy(() -> new SubscriptionFilter.Not(null)).isInstanceOf(InvalidSubscriptionException.class);
        assertThatThrownBy(() -> new SubscriptionFilter.Sql(" ")).isInstanceOf(InvalidSubscriptionException.class);
        assertThatThrownBy(() -> new SubscriptionFilter.Sql("a".repeat(SubscriptionFilter.MAX_SQL_LENGTH + 1)))
                .isInstanceOf(InvalidSubscriptionException.class);
    }

    @Test
    void aRequestRefusesFiltersNestedTooDeepOrTooMany() {
        SubscriptionFilter deep = new SubscriptionFilter.Exact(Map.of("type", "x"));
        for (int i = 0; i < SubscriptionFilter.MAX_DEPTH; i++) {
            deep = new SubscriptionFilter.Not(deep);
        }
        SubscriptionFilter tooDeep = deep;
        assertThatThrownBy(() -> request(List.of(tooDeep))).isInstanceOf(InvalidSubscriptionException.class)
                .hasMessageContaining("nested");
        List<SubscriptionFilter> many = Collections.nCopies(SubscriptionFilter.MAX_NODES + 1,
                new SubscriptionFilter.Exact(Map.of("type", "x")));
        assertThatThrownBy(() -> request(many)).isInstanceOf(InvalidSubscriptionException.class)
                .hasMessageContaining("at most");
    }

    @Test
    void aRequestNamesEveryBadField() {
        InvalidSubscriptionException e = org.assertj.core.api.Assertions.catchThrowableOfType(
                InvalidSubscriptionException.class,
                () -> new SubscriptionRequest(" ", "URN:bad", "", null, "", null, null));
        assertThat(e.violations()).extracting(Violation::attribute)
                .containsExactlyInAnyOrder("endPoint", "resourceFilter", "subjectFilter", "sourceFilter");
    }

    @Test
    void aRequestMatchesTheAltinnFieldsExactly() {
        SubscriptionRequest r = new SubscriptionRequest("https://hooks.example.com/x", "urn:altinn:resource:ttd-svc",
                "/party/1337", "app.instance.created", "https://ttd.example/app", null, List.of());
        assertThat(r.matchesAttributes(EVENT)).isTrue();
        assertThat(r.matchesAttributes(EVENT.toBuilder().subject("/party/1").build())).isFalse();
        assertThat(r.matchesAttributes(EVENT.toBuilder().type("app.instance.deleted").build())).isFalse();
        assertThat(r.matchesAttributes(EVENT.toBuilder().resource("urn:altinn:resource:other").build())).isFalse();
    }

    private static SubscriptionRequest request(List<SubscriptionFilter> filters) {
        return new SubscriptionRequest("https://hooks.example.com/x", "urn:altinn:resource:ttd-svc", null, null, null,
                null, filters);
    }
}
