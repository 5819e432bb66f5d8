package events.domain;

import java.util.Objects;

/**
 * An event type filter with SQL LIKE wildcards: {@code %} matches any run of characters, {@code _} exactly
 * one. Everything else matches itself. At most {@value #MAX_LENGTH} characters and {@value #MAX_RUNS} {@code %}.
 *
 * <p>Matching never backtracks: it takes at most (type length × pattern length) steps, however the wildcards
 * are arranged, so a caller's pattern cannot make a poll slow (a backtracking {@code LIKE} or regular expression
 * takes seconds on {@code %a%a%a%a%a%a%a%a%x} against one long type).
 */
public record TypePattern(String pattern) {
    /** The longest pattern accepted. */
    public static final int MAX_LENGTH = 256;
    /** The most {@code %} wildcards one pattern may hold. */
    public static final int MAX_RUNS = 8;

    public TypePattern {
        Objects.requireNonNull(pattern, "pattern");
        if (pattern.isEmpty()) {
            throw new InvalidEventException(new Violation("type", "a type filter must not be empty"));
        }
        if (pattern.length() > MAX_LENGTH) {
            throw new InvalidEventException(new Violation("type",
                    "a type filter must be at most " + MAX_LENGTH + " characters"));
        }
        if (pattern.chars().filter(c -> c == '%').count() > MAX_RUNS) {
            throw new InvalidEventException(new Violation("type",
                    "a type filter may hold at most " + MAX_RUNS + " % wildcards"));
        }
    }

    public boolean hasWildcards() {
        return pattern.indexOf('%') >= 0 || pattern.indexOf('_') >= 0;
    }

    /**
     * Whether {@code type} matches, by the greedy two-pointer wildcard match: on a mismatch it returns only to
     * the last {@code %} seen and lets that run take one more character, which is enough for {@code %} (each
     * {@code %} only needs the leftmost place its remainder can match from).
     */
    public boolean matches(String type) {
        if (type == null) {
            return false;
        }
        int p = 0;
        int t = 0;
        int lastRun = -1;
        int runEnd = 0;
        while (t < type.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '_' || pattern.charAt(p) == type.charAt(t))
                    && pattern.charAt(p) != '%') {
                p++;
                t++;
            } else if (p < pattern.length() && pattern.charAt(p) == '%') {
                lastRun = p++;
                runEnd = t;
            } else if (lastRun >= 0) {
                p = lastRun + 1;
                t = ++runEnd;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '%') {
            p++;
        }
        return p == pattern.length();
    }
}
