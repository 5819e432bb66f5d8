package events.filter.cesql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.sql.EvaluationRuntime;
import io.cloudevents.sql.Parser;
import java.net.URI;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LikePatternTest {

    private static boolean like(String value, String pattern) {
        return LikePattern.of(pattern).matches(value);
    }

    @Test
    void percentMatchesAnySequenceOfCharactersOrNone() {
        assertThat(like("ac", "a%c")).isTrue();
        assertThat(like("abc", "a%c")).isTrue();
        assertThat(like("azzzbzzzc", "a%b%c")).isTrue();
        assertThat(like("ab", "a%c")).isFalse();
        assertThat(like("", "%")).isTrue();
        assertThat(like("anything", "%")).isTrue();
        assertThat(like("ab.cde", ".%.%.")).isFalse();
    }

    @Test
    void underscoreMatchesExactlyOneCharacter() {
        assertThat(like("abc", "a_c")).isTrue();
        assertThat(like("ac", "a_c")).isFalse();
        assertThat(like("abbc", "a_c")).isFalse();
        assertThat(like("", "_")).isFalse();
        assertThat(like("ab", "_%")).isTrue();
        assertThat(like("a", "_%_")).isFalse();
    }

    @Test
    void emptyPatternMatchesOnlyTheEmptyString() {
        assertThat(like("", "")).isTrue();
        assertThat(like("a", "")).isFalse();
        assertThat(like("", "a")).isFalse();
    }

    @Test
    void backslashMakesPercentAndUnderscoreThemselves() {
        assertThat(like("a%c", "a\\%c")).isTrue();
        assertThat(like("abc", "a\\%c")).isFalse();
        assertThat(like("a_c", "a\\_c")).isTrue();
        assertThat(like("abc", "a\\_c")).isFalse();
        assertThat(like("abc123123%456_dzf", "abc%123\\%456\\_d_f")).isTrue();
    }

    @Test
    void backslashBeforeAnythingElseIsItself() {
        assertThat(like("ab\\c", "ab\\c")).isTrue();
        assertThat(like("abc", "ab\\c")).isFalse();
        assertThat(like("a\\", "a\\")).as("at the end").isTrue();
        assertThat(like("a\\\\b", "a\\\\b")).as("two backslashes are two").isTrue();
        assertThat(like("a\\b", "a\\\\b")).isFalse();
        assertThat(like("a\\%", "a\\\\%")).as("the second backslash escapes the percent sign").isTrue();
        assertThat(like("a\\xyz", "a\\\\%")).isFalse();
    }

    @Test
    void runsOfPercentSignsMatchLikeOne() {
        assertThat(like("", "%%%%")).isTrue();
        assertThat(like("abc", "%%%%")).isTrue();
        assertThat(like("ab", "a%%%%b")).isTrue();
        assertThat(like("axyzb", "a%%%%b")).isTrue();
        assertThat(like("axyz", "a%%%%b")).isFalse();
    }

    @Test
    void matchingIsCaseSensitive() {
        assertThat(like("ABC", "abc")).isFalse();
        assertThat(like("aBc", "_b%")).isFalse();
        assertThat(like("É", "é")).isFalse();
    }

    @Test
    void charactersAreCodePointsAsInTheLibrary() {
        String grin = "\uD83D\uDE00";
        assertThat(like(grin, "_")).isTrue();
        assertThat(like(grin, "__")).isFalse();
        assertThat(like("x" + grin + "y", "x_y")).isTrue();
        assertThat(like(grin + grin, "%" + grin)).isTrue();
        assertThat(like(grin, "\uD83D%")).as("half a pair matches no whole character").isFalse();
        assertThat(like("\uD83D", "_")).as("an unpaired surrogate is one character").isTrue();
    }

    @Test
    void wildcardsMatchLineTerminatorsUnlikeTheLibrarysRegex() {
        assertThat(like("a\nb", "a_b")).isTrue();
        assertThat(like("a\r\nb", "a%b")).isTrue();
        assertThat(like("\u2028", "%")).isTrue();
    }

    @Test
    void regexSyntaxIsJustCharacters() {
        assertThat(like("\\E.*", "\\E.*")).isTrue();
        assertThat(like("anything", "\\E.*")).isFalse();
        assertThat(like("b", "[a-z]+")).isFalse();
        assertThat(like("x", ".")).isFalse();
    }

    @Test
    void agreesWithTheLibrarysRegexOnRandomPatternsWithoutLineTerminators() {
        List<String> characters = List.of("a", "b", "%", "_", "\\", "\uD83D\uDE00", "\uD83D", "\uDE00", "é");
        Random random = new Random(20260727);
        for (int i = 0; i < 3_000; i++) {
            String value = randomText(random, characters, 8);
            String pattern = randomText(random, characters, 6);
            if (pattern.endsWith("\\")) {
                pattern += "a"; // else the backslash would escape the closing quote of the literal
            }

            assertThat(like(value, pattern)).as("`%s` LIKE `%s`", value, pattern)
                    .isEqualTo(libraryLike(value, pattern));
        }
    }

    @Test
    void aRunOfPercentSignsCostsOnePassOverTheValue() {
        CountingValue value = new CountingValue("a".repeat(10_000));

        assertThat(LikePattern.of("%".repeat(30) + "x").matches(value)).isFalse();
        assertThat(value.reads).isLessThanOrEqualTo(3L * value.length());
    }

    @Test
    void manyPercentSignsCostOnePassOverTheValue() {
        CountingValue value = new CountingValue("a".repeat(10_000));

        assertThat(LikePattern.of("%a".repeat(250) + "%x").matches(value)).isFalse();
        assertThat(value.reads).isLessThanOrEqualTo(3L * value.length());
    }

    @Test
    void eachCharacterOfTheValueIsReadOnceWhateverThePattern() {
        for (String pattern : List.of("%" + "a".repeat(500) + "b", "%a".repeat(250) + "%x", "_".repeat(400) + "%b")) {
            CountingValue value = new CountingValue("a".repeat(10_000));

            assertThat(LikePattern.of(pattern).matches(value)).isFalse();
            assertThat(value.reads).as(pattern).isLessThanOrEqualTo(value.length());
        }
    }

    @Test
    void aPatternOfMoreThan512CharactersIsRefused() {
        assertThat(LikePattern.of("%" + "a".repeat(511)).matches("a".repeat(511))).isTrue();
        assertThatThrownBy(() -> LikePattern.of("a".repeat(513))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most 512");
    }

    @Test
    void matchesAcrossTheWordsOfALongPattern() {
        String pattern = "a".repeat(100) + "%" + "b".repeat(100) + "_c";
        assertThat(like("a".repeat(100) + "xyz" + "b".repeat(100) + "!c", pattern)).isTrue();
        assertThat(like("a".repeat(100) + "b".repeat(100) + "!c", pattern)).isTrue();
        assertThat(like("a".repeat(99) + "b".repeat(100) + "!c", pattern)).isFalse();
        assertThat(like("a".repeat(100) + "b".repeat(100) + "c", pattern)).isFalse();
    }

    private static String randomText(Random random, List<String> characters, int maxLength) {
        StringBuilder text = new StringBuilder();
        for (int n = random.nextInt(maxLength + 1); n > 0; n--) {
            text.append(characters.get(random.nextInt(characters.size())));
        }
        return text.toString();
    }

    /** {@code value LIKE 'pattern'} as the library's own parser and regex answer. */
    private static boolean libraryLike(String value, String pattern) {
        CloudEvent event = CloudEventBuilder.v1().withId("1").withType("t").withSource(URI.create("/s"))
                .withExtension("value", value).build();
        return (Boolean) Parser.getDefault().parse("value LIKE '" + pattern + "'")
                .tryEvaluate(EvaluationRuntime.getDefault(), event);
    }

    /** A value that counts how often the matcher reads one of its characters. */
    private static final class CountingValue implements CharSequence {
        private final String text;
        private long reads;

        CountingValue(String text) {
            this.text = text;
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public char charAt(int index) {
            reads++;
            return text.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            throw new UnsupportedOperationException("the matcher reads characters one at a time");
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
