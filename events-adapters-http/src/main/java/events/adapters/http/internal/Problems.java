package events.adapters.http.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import events.adapters.http.AuthenticationException;
import events.domain.AccessDeniedException;
import events.domain.InvalidEndpointException;
import events.domain.InvalidFilterException;
import events.domain.InvalidInputException;
import events.domain.InvalidPolicyException;
import events.domain.LimitExceededException;
import events.domain.SubscriptionNotFoundException;
import events.domain.UnableToAccessSubscriptionsException;
import events.domain.UnableToAccessPoliciesException;
import events.domain.UnableToReadEventsException;
import events.domain.UnableToStoreEventException;
import events.domain.Violation;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where exceptions become HTTP responses: RFC 7807 {@code application/problem+json} with
 * {@code type}, {@code title}, {@code status}, {@code detail}, {@code instance} and, for validation,
 * {@code errors} (attribute to messages). Unexpected exceptions give a 500 without internals and are logged.
 */
public final class Problems {
    public static final String CONTENT_TYPE = "application/problem+json";
    static final String RETRY_AFTER_SECONDS = "5";
    /** Overload passes as soon as storage catches up: a short wait. */
    static final String OVERLOAD_RETRY_AFTER_SECONDS = "1";
    private static final long OVERLOAD_WARNING_INTERVAL_NANOS = 10_000_000_000L;
    private static final AtomicLong lastOverloadWarning = new AtomicLong();
    private static final String TYPE_PREFIX = "urn:events:problem:";
    private static final String INTERNAL_DETAIL = "The server could not handle the request.";
    private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

    private Problems() {
    }

    /** Maps every exception (Javalin's 404/405 included) of the app to a problem response. */
    public static void register(JavalinConfig config) {
        config.routes.exception(HttpResponseException.class, (e, ctx) -> respond(ctx, from(e, ctx)));
        config.routes.exception(Exception.class, (e, ctx) -> respond(ctx, from(e, ctx)));
    }

    /** A problem with HTTP status, type slug, title, detail, per-attribute errors and extra headers. */
    record Problem(int status, String type, String title, String detail, Map<String, List<String>> errors,
                   Map<String, String> headers) {
        Problem(int status, String type, String title, String detail) {
            this(status, type, title, detail, Map.of(), Map.of());
        }

        Problem withHeader(String name, String value) {
            Map<String, String> h = new LinkedHashMap<>(headers);
            h.put(name, value);
            return new Problem(status, type, title, detail, errors, h);
        }
    }

    static Problem from(Exception e, Context ctx) {
        if (e instanceof InvalidInputException invalid) {
            return invalidRequest(invalid.violations());
        }
        if (e instanceof InvalidFilterException) {
            return invalidRequest(List.of(new Violation("filters", e.getMessage())));
        }
        if (e instanceof InvalidEndpointException invalid) {
            return invalidRequest(List.of(invalid.violation()));
        }
        if (e instanceof AuthenticationException) {
            String challenge = ctx.header("Authorization") == null
                    ? "Bearer realm=\"events\""
                    : "Bearer realm=\"events\", error=\"invalid_token\"";
            return new Problem(401, "unauthenticated", "Unauthenticated", e.getMessage())
                    .withHeader("WWW-Authenticate", challenge);
        }
        if (e instanceof MissingScopeException missing) {
            return new Problem(403, "insufficient-scope", "Insufficient scope", e.getMessage())
                    .withHeader("WWW-Authenticate",
                            "Bearer realm=\"events\", error=\"insufficient_scope\", scope=\"" + missing.scope() + "\"");
        }
        if (e instanceof AccessDeniedException) {
            return new Problem(403, "forbidden", "Forbidden", e.getMessage());
        }
        if (e instanceof PayloadTooLargeException) {
            return new Problem(413, "payload-too-large", "Payload too large", e.getMessage());
        }
        if (e instanceof UnsupportedMediaTypeException unsupported) {
            Problem problem = new Problem(415, "unsupported-media-type", "Unsupported media type", e.getMessage());
            return unsupported.acceptPost() == null ? problem : problem.withHeader("Accept-Post", unsupported.acceptPost());
        }
        if (e instanceof InvalidPolicyException) {
            return new Problem(400, "invalid-policy", "Invalid policy", e.getMessage());
        }
        if (e instanceof LimitExceededException) {
            return new Problem(409, "limit-exceeded", "Limit exceeded", e.getMessage());
        }
        if (e instanceof PolicyNotFoundException || e instanceof SubscriptionNotFoundException) {
            return new Problem(404, "not-found", "Not found", e.getMessage());
        }
        if (e instanceof OverloadedException) {
            long now = System.nanoTime();
            long last = lastOverloadWarning.get();
            boolean due = last == 0 || now - last > OVERLOAD_WARNING_INTERVAL_NANOS;
            if (due && lastOverloadWarning.compareAndSet(last, now)) {
                LOG.warn("refusing publishes with 503: {} (logged at most every 10 s)", e.getMessage());
            }
            return new Problem(503, "overloaded", "Service unavailable", "Too many publishes are waiting to be"
                    + " stored; this one was not stored. Retry after the Retry-After delay.")
                    .withHeader("Retry-After", OVERLOAD_RETRY_AFTER_SECONDS);
        }
        if (e instanceof UnableToStoreEventException || e instanceof UnableToReadEventsException
                || e instanceof KeysUnavailableException || e instanceof UnableToAccessPoliciesException
                || e instanceof UnableToAccessSubscriptionsException) {
            LOG.warn("{} {} unavailable: {}", ctx.method(), ctx.path(), e.toString(), e.getCause());
            String detail = e instanceof UnableToStoreEventException
                    ? "The events could not be stored; nothing was stored. Retry later."
                    : e instanceof UnableToReadEventsException ? "Events cannot be read right now. Retry later."
                    : e instanceof UnableToAccessPoliciesException ? "Policies cannot be read or changed right now;"
                            + " nothing was changed. Retry later."
                    : e instanceof UnableToAccessSubscriptionsException ? "Subscriptions cannot be read or changed"
                            + " right now. Retry later."
                    : "The token signing keys cannot be fetched right now. Retry later.";
            return new Problem(503, "unavailable", "Service unavailable", detail)
                    .withHeader("Retry-After", RETRY_AFTER_SECONDS);
        }
        if (e instanceof HttpResponseException http) {
            int status = http.getStatus();
            if (status >= 500) {
                LOG.error("{} {} failed with {}", ctx.method(), ctx.path(), status, e);
                return new Problem(status, slug(status), title(status), INTERNAL_DETAIL);
            }
            return new Problem(status, slug(status), title(status), http.getMessage());
        }
        LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
        return new Problem(500, "internal", "Internal server error", INTERNAL_DETAIL);
    }

    /**
     * The answer to a request the server (Jetty) refused before the API saw it, by status alone: the detail is
     * this class's own text, never the request's URI or headers nor Jetty's reason (which can quote them).
     */
    static Problem refusedByServer(int status, int maxHeaderBytes) {
        String detail = switch (status) {
            case 400 -> "The request is not valid HTTP, or its URI is malformed (for example a bad or NUL"
                    + " percent-encoding, or an ambiguous path segment); it was not handled.";
            case 414 -> "The request URI is longer than this server accepts (request line and headers together at"
                    + " most " + maxHeaderBytes + " bytes); it was not handled.";
            case 431 -> "The request's header section is larger than this server accepts (at most " + maxHeaderBytes
                    + " bytes); it was not handled.";
            case 505 -> "This HTTP version is not supported; use HTTP/1.1.";
            default -> status >= 500 ? INTERNAL_DETAIL : "The request was refused before it was handled.";
        };
        // An unknown version is the client's doing, not an internal failure.
        return new Problem(status, status == 505 ? "http-505" : slug(status), title(status), detail);
    }

    private static String slug(int status) {
        return switch (status) {
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            default -> status >= 500 ? "internal" : "http-" + status;
        };
    }

    private static String title(int status) {
        HttpStatus known = HttpStatus.forStatus(status);
        return known == HttpStatus.UNKNOWN ? "Error" : known.getMessage();
    }

    /** 400 naming every failing attribute under {@code errors}. */
    private static Problem invalidRequest(List<Violation> violations) {
        Map<String, List<String>> errors = new LinkedHashMap<>();
        for (Violation v : violations) {
            errors.computeIfAbsent(v.attribute(), k -> new ArrayList<>()).add(v.message());
        }
        int n = errors.size();
        return new Problem(400, "invalid-request", "Invalid request",
                n == 1 ? "1 attribute is invalid: " + errors.keySet().iterator().next()
                       : n + " attributes are invalid: " + String.join(", ", errors.keySet()),
                errors, Map.of());
    }

    static void respond(Context ctx, Problem problem) {
        ctx.status(problem.status());
        problem.headers().forEach(ctx::header);
        ctx.contentType(CONTENT_TYPE);
        ctx.result(toJson(problem, ctx.path()));
    }

    static byte[] toJson(Problem problem, String instance) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = CloudEventJsonReader.JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("type", TYPE_PREFIX + problem.type());
            g.writeStringField("title", problem.title());
            g.writeNumberField("status", problem.status());
            if (problem.detail() != null) {
                g.writeStringField("detail", problem.detail());
            }
            if (instance != null) {
                g.writeStringField("instance", instance);
            }
            if (!problem.errors().isEmpty()) {
                g.writeObjectFieldStart("errors");
                for (Map.Entry<String, List<String>> e : problem.errors().entrySet()) {
                    g.writeArrayFieldStart(e.getKey());
                    for (String message : e.getValue()) {
                        g.writeString(message);
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
