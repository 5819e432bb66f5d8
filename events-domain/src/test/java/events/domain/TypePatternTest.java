package events.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Type filters use SQL LIKE wildcards; everything else, regex metacharacters included, matches itself. */
class TypePatternTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                // exact
                arguments("app.instance.created", "app.instance.created", true),
                arguments("app.instance.created", "app.instance.completed", false),
                arguments("app.instance.created", "APP.INSTANCE.CREATED", false),
                arguments("app.instance.created", "app.instance.created.v2", false),
                // %
                arguments("app.instance.%", "app.instance.created", true),
                arguments("app.instance.%", "app.instance.", true),
                arguments("app.instance.%", "app.instance", false),
                arguments("%.created", "app.instance.created", true),
                arguments("%.created", "app.instance.created.v2", false),
                arguments("app.%.created", "app.instance.created", true),
                arguments("app.%.created", "app..created", true),
                arguments("%", "anything at all", true),
                arguments("%", "line\nbreak", true),
                arguments("%%", "x", true),
                arguments("App.%", "app.instance", false),
                // _
                arguments("app._", "app.x", true),
                arguments("app._", "app.xy", false),
                arguments("app._", "app.", false),
                arguments("app.___", "app.abc", true),
                arguments("app._%", "app.", false),
                arguments("app._%", "app.a", true),
                arguments("app._", "app.\n", true),
                arguments("app_instance", "app.instance", true),
                // regex metacharacters in the literal parts
                arguments("app.%", "appXinstance", false),
                arguments("a.b%", "a.bc", true),
                arguments("a.b%", "aXbc", false),
                arguments("a+b_", "a+bX", true),
                arguments("a+b_", "aabX", false),
                arguments("a*_", "a*b", true),
                arguments("a*_", "aaab", false),
                arguments("(x|y)%", "(x|y)z", true),
                arguments("(x|y)%", "xz", false),
                arguments("[ab]%", "[ab]c", true),
                arguments("[ab]%", "ac", false),
                arguments("^a$_", "^a$b", true),
                arguments("%?", "x?", true),
                arguments("%?", "x", false),
                arguments("{2}_", "{2}a", true),
                arguments("a\\d_", "a\\dz", true),
                arguments("a\\d_", "a1z", false),
                arguments("x\\Ey%", "x\\Eyz", true),
                arguments("x\\Q%\\E", "x\\Qabc\\E", true),
                arguments("x\\Q%\\E", "xabc", false));
    }

    @ParameterizedTest(name = "''{0}'' matches ''{1}'': {2}")
    @MethodSource("cases")
    void matchesLikeSqlLike(String pattern, String type, boolean expected) {
        assertThat(new TypePattern(pattern).matches(type)).isEqualTo(expected);
    }

    @Test
    void rejectsEmptyPatternNamingType() {
        InvalidEventException e = catchThrowableOfType(InvalidEventException.class, () -> new TypePattern(""));

        assertThat(e.violations()).extracting(Violation::attribute).containsExactly("type");
    }

    @Test
    void rejectsNullPattern() {
        assertThatNullPointerException().isThrownBy(() -> new TypePattern(null));
    }

    @Test
    void refusesPatternsLongerThanTheLimitOrWithTooManyPercents() {
        assertThat(catchThrowableOfType(InvalidEventException.class,
                () -> new TypePattern("a".repeat(TypePattern.MAX_LENGTH + 1))).violations())
                .extracting(Violation::attribute).containsExactly("type");
        assertThat(catchThrowableOfType(InvalidEventException.class,
                () -> new TypePattern("%a".repeat(TypePattern.MAX_RUNS + 1))).getMessage()).contains("at most 8 %");
        assertThat(new TypePattern("%a".repeat(TypePattern.MAX_RUNS)).matches("ba".repeat(8))).isTrue();
    }

    /** The pattern that took a backtracking LIKE 6.26 s over one row answers at once (no timing asserted). */
    @Test
    void aBacktrackingPatternOverALongTypeIsDecidedWithoutBacktracking() {
        String type = "a".repeat(100_000);

        assertThat(new TypePattern("%a%a%a%a%a%a%a%x").matches(type)).isFalse();
        assertThat(new TypePattern("%a%a%a%a%a%a%a%a").matches(type)).isTrue();
    }

    /** Seeded random patterns and types over a small alphabet agree with a regular expression's answer. */
    @Test
    void agreesWithARegularExpressionOnRandomInputs() {
        java.util.Random random = new java.util.Random(20261208);
        String alphabet = "ab%_.";
        for (int i = 0; i < 20_000; i++) {
            String pattern = randomString(random, alphabet, 1 + random.nextInt(8));
            String type = randomString(random, "ab.", random.nextInt(10));
            if (pattern.chars().filter(c -> c == '%').count() > TypePattern.MAX_RUNS) {
                continue;
            }
            String regex = pattern.replace(".", "\\.").replace("%", ".*").replace("_", ".");
            assertThat(new TypePattern(pattern).matches(type)).as("'%s' against '%s'", pattern, type)
                    .isEqualTo(java.util.regex.Pattern.compile(regex, java.util.regex.Pattern.DOTALL)
                            .matcher(type).matches());
        }
    }

    private static String randomString(java.util.Random random, String alphabet, int length) {
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return s.toString();
    }

    @Test
    void knowsWhetherItHasWildcards() {
        assertThat(new TypePattern("app.instance.created").hasWildcards()).isFalse();
        assertThat(new TypePattern("app.%").hasWildcards()).isTrue();
        assertThat(new TypePattern("app._").hasWildcards()).isTrue();
    }
}
