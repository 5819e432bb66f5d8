package events.domain;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An event type filter with SQL LIKE wildcards: {@code %} matches any run of characters, {@code _} exactly
 * one. Everything else matches itself.
 */
public record TypePattern(String pattern) {
    public TypePattern {
        Objects.requireNonNull(pattern, "pattern");
        if (pattern.isEmpty()) {
            throw new InvalidEventException(new Violation("type", "a type filter must not be empty"));
        }
    }

    public boolean hasWildcards() {
        return pattern.indexOf('%') >= 0 || pattern.indexOf('_') >= 0;
    }

    public boolean matches(String type) {
        if (!hasWildcards()) {
            return pattern.equals(type);
        }
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            if (c == '%' || c == '_') {
                if (literal.length() > 0) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '%' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (literal.length() > 0) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(type).matches();
    }
}
