package events.adapters.http.internal;

import events.domain.InvalidInputException;
import events.domain.Violation;
import io.javalin.config.JavalinConfig;

/**
 * Refuses, before any route, a request whose path has a malformed percent-encoding: a {@code %} not followed by two
 * hexadecimal digits. Jetty refuses most such paths itself, but not inside a path parameter (after a {@code ;}, as
 * in {@code /events/api/v1/policies/urn:a;%zz}), and Javalin's decoding of a route's path parameters then throws
 * (a 500).
 */
public final class PathEncoding {
    private PathEncoding() {
    }

    public static void register(JavalinConfig config) {
        config.routes.before(ctx -> check(ctx.req().getRequestURI()));
    }

    /** @throws InvalidInputException naming {@code path} when a {@code %} is not followed by two hex digits */
    static void check(String path) {
        for (int i = path.indexOf('%'); i >= 0; i = path.indexOf('%', i + 1)) {
            if (i + 2 >= path.length() || !isHex(path.charAt(i + 1)) || !isHex(path.charAt(i + 2))) {
                throw new InvalidInputException(new Violation("path",
                        "has a malformed percent-encoding: every % must be followed by two hexadecimal digits"));
            }
        }
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
