package events.adapters.http.internal;

import events.domain.Violation;
import io.javalin.http.Context;
import java.util.List;
import java.util.function.Supplier;

/** What every route needs from a request: the public base URL, and query parameters given at most once. */
final class Requests {
    private Requests() {
    }

    /**
     * The absolute prefix for links ({@code next}, {@code Location}): the configured base URL, else the scheme
     * and host the request came to; never with a trailing slash.
     */
    static String baseUrl(Context ctx, Supplier<String> configured) {
        String base = configured == null ? ctx.scheme() + "://" + ctx.host() : configured.get();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return base;
    }

    /** The query parameter's value, or null when absent; a repeated one adds a violation. */
    static String single(Context ctx, String name, List<Violation> violations) {
        List<String> values = ctx.queryParams(name);
        if (values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            violations.add(new Violation(name, "must be given once"));
        }
        return values.get(0);
    }
}
