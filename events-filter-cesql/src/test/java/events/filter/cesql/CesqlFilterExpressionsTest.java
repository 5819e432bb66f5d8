package events.filter.cesql;

import static events.testkit.TestEvents.anEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import events.domain.CloudEvent;
import events.domain.InvalidFilterException;
import events.ports.FilterExpressions;
import events.ports.FilterExpressions.CompiledFilter;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CesqlFilterExpressionsTest {
    private final FilterExpressions cesql = new CesqlFilterExpressions();

    private boolean matches(String expression, CloudEvent event) {
        return cesql.compile(expression).matches(event);
    }

    @Test
    void matchesOnContextAttributes() {
        CloudEvent event = anEvent().type("app.instance.created").build();

        assertThat(matches("type = 'app.instance.created'", event)).isTrue();
        assertThat(matches("type = 'app.instance.deleted'", event)).isFalse();
        assertThat(matches("source = 'https://ttd.apps.altinn.no/ttd/test/instances/1337'", event)).isTrue();
        assertThat(matches("id = '" + event.id() + "'", event)).isTrue();
        assertThat(matches("specversion = '1.0'", event)).isTrue();
        assertThat(matches("datacontenttype = 'application/json'", event)).isTrue();
    }

    @Test
    void matchesSubjectsWithLike() {
        CompiledFilter parties = cesql.compile("subject LIKE '/party/%'");

        assertThat(parties.matches(anEvent().subject("/party/1337").build())).isTrue();
        assertThat(parties.matches(anEvent().subject("/org/991825827").build())).isFalse();
    }

    @Test
    void likeFollowsCesql() {
        CloudEvent event = anEvent().subject("/party/50%_off").extension("attempt", 12).extension("urgent", true).build();

        assertThat(matches("subject LIKE '/party/50\\%\\_off'", event)).isTrue();
        assertThat(matches("subject LIKE '/party/50\\%\\_of'", event)).isFalse();
        assertThat(matches("subject LIKE '/PARTY/%'", event)).as("case-sensitive").isFalse();
        assertThat(matches("subject NOT LIKE '/org/%'", event)).isTrue();
        assertThat(matches("subject NOT LIKE '/party/%'", event)).isFalse();
        assertThat(matches("attempt LIKE '1_'", event)).as("an integer as a string").isTrue();
        assertThat(matches("urgent LIKE 'tr%'", event)).as("a boolean as a string").isTrue();
        assertThat(matches("LOWER(subject) LIKE '%off'", event)).isTrue();
        assertThat(matches("missing LIKE '%'", event)).isFalse();
        assertThat(matches("missing NOT LIKE '%'", event)).isFalse();
    }

    @Test
    void hostileLikePatternsEvaluateQuickly() {
        // cloudevents-sql 4.0.1 turns each % into a backtracking .*: 7 s for 8 of them and a 52-character source.
        CloudEvent event = anEvent().source("https://ttd.apps.altinn.no/" + "a".repeat(2_000)).build();
        CompiledFilter percents = cesql.compile("source LIKE '" + "%".repeat(30) + "x'");
        CompiledFilter alternating = cesql.compile("source LIKE '" + "%a".repeat(250) + "%x'");

        // Only a guard against hanging: LikePatternTest counts the work.
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            assertThat(percents.matches(event)).isFalse();
            assertThat(alternating.matches(event)).isFalse();
        });
    }

    @Test
    void regexSyntaxInLikePatternsIsJustCharacters() {
        // The library copies patterns into \Q...\E, so a \E in one ends the quoting: it refused these.
        assertThat(matches("subject LIKE '\\E(%'", anEvent().subject("\\E(x").build())).isTrue();
        assertThat(matches("subject LIKE '\\E.*'", anEvent().subject("/party/1337").build())).isFalse();
    }

    @Test
    void matchesOnTheResourceExtension() {
        CloudEvent event = anEvent().resource("urn:altinn:resource:super-simple-service").build();

        assertThat(matches("resource = 'urn:altinn:resource:super-simple-service'", event)).isTrue();
        assertThat(matches("resource = 'urn:altinn:resource:other'", event)).isFalse();
        assertThat(matches("resource LIKE 'urn:altinn:resource:%'", event)).isTrue();
    }

    @Test
    void integerExtensionsAreIntegers() {
        CloudEvent event = anEvent().extension("attempt", 3).build();

        assertThat(matches("attempt = 3", event)).isTrue();
        assertThat(matches("attempt > 2 AND attempt < 4", event)).isTrue();
        assertThat(matches("attempt + 1 = 4", event)).isTrue();
        assertThat(matches("attempt = 4", event)).isFalse();
    }

    @Test
    void booleanExtensionsAreBooleans() {
        CloudEvent urgent = anEvent().extension("urgent", true).build();
        CloudEvent routine = anEvent().extension("urgent", false).build();

        assertThat(matches("urgent", urgent)).isTrue();
        assertThat(matches("urgent = TRUE", urgent)).isTrue();
        assertThat(matches("urgent", routine)).isFalse();
        assertThat(matches("NOT urgent", routine)).isTrue();
    }

    @Test
    void stringExtensionsAreStrings() {
        CloudEvent event = anEvent().extension(CloudEvent.ALTERNATIVE_SUBJECT, "/person/16069412345").build();

        assertThat(matches("alternativesubject = '/person/16069412345'", event)).isTrue();
        assertThat(matches("LENGTH(alternativesubject) = 19", event)).isTrue();
    }

    @Test
    void existsTellsWhetherAnOptionalAttributeIsThere() {
        CompiledFilter hasSchema = cesql.compile("EXISTS dataschema");
        CloudEvent withSchema = anEvent().dataSchema("https://schemas.example.com/instance.json").build();

        assertThat(hasSchema.matches(withSchema)).isTrue();
        assertThat(hasSchema.matches(anEvent().build())).isFalse();
        assertThat(matches("dataschema = 'https://schemas.example.com/instance.json'", withSchema)).isTrue();
        assertThat(matches("EXISTS time", anEvent().build())).isTrue();
        assertThat(matches("EXISTS time", anEvent().time(null).build())).isFalse();
        assertThat(matches("EXISTS resource", anEvent().build())).isTrue();
        assertThat(matches("EXISTS urgent", anEvent().build())).isFalse();
    }

    @Test
    void timeIsComparedAsTheSdkWritesIt() {
        CloudEvent event = anEvent().time("2026-11-27T10:15:30.123456Z").build();
        assertThat(matches("time = '2026-11-27T10:15:30.123456Z'", event)).isTrue();
        // java.time leaves out zero seconds (SOURCES.md section 4)
        assertThat(matches("time = '2026-11-27T10:15Z'", anEvent().time("2026-11-27T10:15:00Z").build())).isTrue();
    }

    @Test
    void aResultThatIsNotBooleanTrueIsNoMatch() {
        CloudEvent event = anEvent().type("true").extension("attempt", 1).build();

        assertThat(matches("type", event)).as("the string 'true'").isFalse();
        assertThat(matches("'true'", event)).as("a string literal").isFalse();
        assertThat(matches("attempt", event)).as("the integer 1").isFalse();
        assertThat(matches("1 + 1", event)).isFalse();
        assertThat(matches("FALSE", event)).isFalse();
        assertThat(matches("TRUE", event)).isTrue();
    }

    @Test
    void anEvaluationErrorIsNoMatch() {
        CloudEvent event = anEvent().type("x").build();

        assertThat(matches("1/0 = 0", event)).as("division by zero").isFalse();
        assertThat(matches("type = 'x' AND 1 / 0 = 0", event)).as("error after a true operand").isFalse();
        assertThat(matches("INT('ten') = 10", event)).as("failed cast").isFalse();
        assertThat(matches("SUBSTRING('abc', 10) = ''", event)).as("function error").isFalse();
        assertThat(matches("NO_SUCH_FUNCTION(type)", event)).as("missing function").isFalse();
    }

    @Test
    void aMissingAttributeIsNoMatchEvenWhenNegated() {
        CloudEvent event = anEvent().build();

        assertThat(matches("missing = 'x'", event)).isFalse();
        assertThat(matches("NOT (missing = 'x')", event)).isFalse();
        assertThat(matches("missing <> 'x'", event)).isFalse();
        assertThat(matches("subject = '/party/1'", anEvent().subject(null).build())).isFalse();
        assertThat(matches("NOT EXISTS missing", event)).as("EXISTS is how to ask").isTrue();
    }

    @Test
    void anExpressionThatDoesNotParseIsRefusedWithWhatAndWhere() {
        assertThatThrownBy(() -> cesql.compile("type = "))
                .isInstanceOf(InvalidFilterException.class)
                .hasMessageStartingWith("Invalid CESQL expression: ")
                .hasMessageContaining("at 7:6")
                .hasMessageContaining("Cannot parse: mismatched input '<EOF>'");
        assertThatThrownBy(() -> cesql.compile("subject LIKE '/party/%"))
                .isInstanceOf(InvalidFilterException.class)
                .hasMessageContaining("at 13:13")
                .hasMessageContaining("Cannot parse");
        assertThatThrownBy(() -> cesql.compile("UPPER(type"))
                .isInstanceOf(InvalidFilterException.class)
                .hasMessageContaining("Cannot parse");
    }

    @Test
    void extraneousInputIsRefusedThoughTheLibraryLosesItsPosition() {
        // cloudevents-sql 4.0.1 throws a NullPointerException for these (SOURCES.md section 4)
        assertThatThrownBy(() -> cesql.compile("type = 'x' extra"))
                .isInstanceOf(InvalidFilterException.class)
                .hasMessageContaining("Cannot parse `type = 'x' extra`: extraneous or missing input");
        assertThatThrownBy(() -> cesql.compile("5-3"))
                .isInstanceOf(InvalidFilterException.class)
                .hasMessageContaining("write `5 - 3`");
        assertThatThrownBy(() -> cesql.compile("5-3 = 2"))
                .isInstanceOf(InvalidFilterException.class)
                .hasMessageContaining("at 1:2 `-3`] Cannot parse: mismatched input '-3'");
        assertThat(matches("5 - 3 = 2", anEvent().build())).isTrue();
    }

    @Test
    void anEmptyExpressionIsRefused() {
        assertThatThrownBy(() -> cesql.compile(null))
                .isInstanceOf(InvalidFilterException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> cesql.compile("  "))
                .isInstanceOf(InvalidFilterException.class).hasMessageContaining("empty");
    }

    @Test
    void keepsTheExpressionAsWritten() {
        assertThat(cesql.compile("type = 'x'  AND  subject LIKE '/party/%'").expression())
                .isEqualTo("type = 'x'  AND  subject LIKE '/party/%'");
    }

    @Test
    void timesJavaCannotHoldBecomeTheNearestItCan() {
        assertThat(SdkEvents.time("2026-11-27T10:15:30.5+01:00"))
                .isEqualTo(OffsetDateTime.parse("2026-11-27T10:15:30.5+01:00"));
        assertThat(SdkEvents.time("2026-11-27t10:15:30z")).isEqualTo(OffsetDateTime.parse("2026-11-27T10:15:30Z"));
        assertThat(SdkEvents.time("2016-12-31T23:59:60Z")).as("leap second")
                .isEqualTo(OffsetDateTime.parse("2016-12-31T23:59:59Z"));
        assertThat(SdkEvents.time("2026-11-27T10:15:30.1234567891234Z")).as("more than nanoseconds")
                .isEqualTo(OffsetDateTime.parse("2026-11-27T10:15:30.123456789Z"));
        assertThat(SdkEvents.time("2026-11-27T23:30:00+23:59")).as("offset beyond 18 hours")
                .isEqualTo(OffsetDateTime.parse("2026-11-26T23:31:00Z"));
        assertThat(SdkEvents.time("2026-11-27T00:30:00.25-19:00"))
                .isEqualTo(OffsetDateTime.parse("2026-11-27T19:30:00.25Z"));
        assertThat(matches("EXISTS time", anEvent().time("2016-12-31T23:59:60.5-23:59").build())).isTrue();
    }

    @Test
    void oneCompiledFilterServesManyThreads() throws Exception {
        CompiledFilter filter = cesql.compile("subject LIKE '/party/%' AND attempt % 2 = 0 AND urgent");
        int threads = 8;
        int eventsPerThread = 2_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Integer>> matched = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                matched.add(pool.submit(() -> {
                    start.await();
                    int count = 0;
                    for (int i = 0; i < eventsPerThread; i++) {
                        CloudEvent event = anEvent()
                                .subject(i % 3 == 0 ? "/org/" + thread : "/party/" + i)
                                .extension("attempt", i)
                                .extension("urgent", i % 5 != 0)
                                .build();
                        boolean matches = filter.matches(event);
                        if (matches != (i % 3 != 0 && i % 2 == 0 && i % 5 != 0)) {
                            throw new AssertionError("wrong answer for event " + i + " on thread " + thread);
                        }
                        count += matches ? 1 : 0;
                    }
                    return count;
                }));
            }
            start.countDown();
            int total = 0;
            for (Future<Integer> f : matched) {
                total += f.get(60, TimeUnit.SECONDS);
            }
            assertThat(total).isEqualTo(threads * expectedMatches(eventsPerThread));
        } finally {
            pool.shutdownNow();
        }
    }

    private static int expectedMatches(int events) {
        int count = 0;
        for (int i = 0; i < events; i++) {
            count += i % 3 != 0 && i % 2 == 0 && i % 5 != 0 ? 1 : 0;
        }
        return count;
    }

    @Test
    void aLikePatternLongerThanTheLimitIsRefusedNamingIt() {
        assertThatThrownBy(() -> new CesqlFilterExpressions().compile("source LIKE '" + "a".repeat(600) + "'"))
                .isInstanceOf(InvalidFilterException.class)
                .hasMessage("Invalid CESQL expression: a LIKE pattern is at most 512 characters long, not 600");
    }
}
