package events.filter.cesql;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A CESQL {@code LIKE} pattern, matched without backtracking. {@code %} is any sequence of characters,
 * {@code _} exactly one character, {@code \%} and {@code \_} are {@code %} and {@code _} themselves; every other
 * character, a {@code \} before anything else included, is itself, case-sensitively (CESQL v1 section 3.4.3, as
 * {@code io.cloudevents:cloudevents-sql} reads it). Characters are Unicode code points, as in the library; unlike
 * the library's regex, {@code %} and {@code _} match line terminators too, and {@code \E} is just two characters.
 *
 * <p>Matching follows every way the pattern can match at once, one bit per pattern element (the Shift-And
 * algorithm): each character of the value is read once, and costs a few operations per 64 elements of the
 * pattern, whatever the pattern. At most {@link #MAX_ELEMENTS} elements, so a match costs at most a few operations
 * per character of the value. Immutable and thread-safe.
 */
final class LikePattern {
    /** The longest pattern, in elements (characters, a run of {@code %} counting once). */
    static final int MAX_ELEMENTS = 512;
    /** {@code %}: any sequence. Code points are never negative. */
    private static final int ANY = -1;
    /** {@code _}: one code point. */
    private static final int ONE = -2;

    /** Bit j of state word j / 64: the first j elements have matched; bit {@code size}: all have. */
    private final int size;
    private final int words;
    /** Elements that are {@code %}: from state j, state j + 1 too. */
    private final long[] any;
    /** The states just after a {@code %}: they stay on any character. */
    private final long[] afterAny;
    /** Elements that are {@code _}: they take any character. */
    private final long[] one;
    /** Per code point, the elements that are that code point (ASCII in an array, the rest in a map). */
    private final long[][] ascii = new long[128][];
    private final Map<Integer, long[]> other = new HashMap<>();

    private LikePattern(int[] elements) {
        this.size = elements.length;
        this.words = (size + 1 + 63) / 64;
        this.any = new long[words];
        this.afterAny = new long[words];
        this.one = new long[words];
        for (int j = 0; j < size; j++) {
            int e = elements[j];
            if (e == ANY) {
                set(any, j);
                set(afterAny, j + 1);
            } else if (e == ONE) {
                set(one, j);
            } else if (e < 128) {
                set(ascii[e] == null ? ascii[e] = new long[words] : ascii[e], j);
            } else {
                set(other.computeIfAbsent(e, c -> new long[words]), j);
            }
        }
    }

    /**
     * The pattern as written in the expression, its string literal already unquoted.
     *
     * @throws IllegalArgumentException when it has more than {@link #MAX_ELEMENTS} elements
     */
    static LikePattern of(String pattern) {
        int[] elements = new int[pattern.length()];
        int size = 0;
        int i = 0;
        while (i < pattern.length()) {
            int c = pattern.codePointAt(i);
            i += Character.charCount(c);
            if (c == '\\' && i < pattern.length() && (pattern.charAt(i) == '%' || pattern.charAt(i) == '_')) {
                elements[size++] = pattern.charAt(i++);
            } else if (c == '%') {
                if (size == 0 || elements[size - 1] != ANY) {
                    elements[size++] = ANY;
                }
            } else {
                elements[size++] = c == '_' ? ONE : c;
            }
        }
        if (size > MAX_ELEMENTS) {
            throw new IllegalArgumentException("a LIKE pattern is at most " + MAX_ELEMENTS + " characters long, not "
                    + size);
        }
        return new LikePattern(Arrays.copyOf(elements, size));
    }

    /** Whether all of {@code value} matches the pattern. Reads each character of the value once. */
    boolean matches(CharSequence value) {
        long[] state = new long[words];
        long[] next = new long[words];
        state[0] = 1;
        closeOverAny(state);
        int at = 0;
        int length = value.length();
        while (at < length) {
            char ch = value.charAt(at++);
            int c = ch;
            if (Character.isHighSurrogate(ch) && at < length && Character.isLowSurrogate(value.charAt(at))) {
                c = Character.toCodePoint(ch, value.charAt(at++));
            }
            long[] literal = c < 128 ? ascii[c] : other.get(c);
            long carry = 0;
            long alive = 0;
            for (int w = 0; w < words; w++) {
                long taking = state[w] & (one[w] | (literal == null ? 0 : literal[w]));
                long shifted = taking << 1 | carry;
                carry = taking >>> 63;
                next[w] = shifted | state[w] & afterAny[w];
                alive |= next[w];
            }
            if (alive == 0) {
                return false;
            }
            closeOverAny(next);
            long[] swap = state;
            state = next;
            next = swap;
        }
        return (state[size / 64] & 1L << (size % 64)) != 0;
    }

    /** A {@code %} may match nothing: from each state before one, the state after it too. */
    private void closeOverAny(long[] state) {
        long carry = 0;
        for (int w = 0; w < words; w++) {
            long passing = state[w] & any[w];
            state[w] |= passing << 1 | carry;
            carry = passing >>> 63;
        }
    }

    private static void set(long[] bits, int j) {
        bits[j / 64] |= 1L << (j % 64);
    }
}
