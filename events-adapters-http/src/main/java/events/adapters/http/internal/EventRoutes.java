package events.adapters.http.internal;

import events.domain.CloudEvent;
import events.domain.EventFilter;
import events.domain.EventPage;
import events.domain.EventQuery;
import events.domain.InvalidEventException;
import events.domain.TypePattern;
import events.domain.Violation;
import events.ports.Caller;
import events.ports.PublishEvents;
import events.ports.QueryEvents;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The event endpoints ({@code POST/GET /events/api/v1/events}) and the health endpoints. Use through
 * {@code events.adapters.http.EventsApi}.
 */
public final class EventRoutes {
    public static final String BASE_PATH = "/events/api/v1";
    static final String EVENTS_PATH = BASE_PATH + "/events";
    static final String ALTERNATIVE_SUBJECT_HEADER = "Altinn-AlternativeSubject";
    /** What a cursor may look like: the service's own are {@code c1.} and base64url, under 60 characters. */
    private static final Pattern CURSOR = Pattern.compile("[A-Za-z0-9._-]{1," + EventQuery.MAX_CURSOR_LENGTH + "}");
    private static final Pattern SIZE = Pattern.compile("\\d{1,9}");

    private final PublishEvents publishEvents;
    private final QueryEvents queryEvents;
    private final Function<String, Caller> authenticator;
    private final Supplier<String> baseUrl;
    private final int maxEventBytes;
    private final int maxBatchBytes;
    private final BooleanSupplier readiness;
    private final PublishAdmission admission;

    /**
     * @param authenticator the Authorization header value (or null) to the caller; throws to refuse
     * @param baseUrl absolute prefix for {@code next} links, or null to derive it from the request
     */
    public EventRoutes(PublishEvents publishEvents, QueryEvents queryEvents, Function<String, Caller> authenticator,
                       Supplier<String> baseUrl, int maxEventBytes, int maxBatchBytes, BooleanSupplier readiness,
                       int maxPublishesInFlight, long maxPublishBytesInFlight) {
        this.publishEvents = publishEvents;
        this.queryEvents = queryEvents;
        this.authenticator = authenticator;
        this.baseUrl = baseUrl;
        this.maxEventBytes = maxEventBytes;
        this.maxBatchBytes = maxBatchBytes;
        this.readiness = readiness;
        this.admission = new PublishAdmission(maxPublishesInFlight, maxPublishBytesInFlight);
    }

    public void register(JavalinConfig config) {
        config.routes.post(EVENTS_PATH, this::publish);
        config.routes.get(EVENTS_PATH, this::query);
        config.routes.get("/health", this::health);
        config.routes.get("/health/ready", this::ready);
    }

    void publish(Context ctx) {
        Caller caller = authenticate(ctx, Caller.SCOPE_PUBLISH, Caller.SCOPE_PUBLISH_ADMIN);
        HttpServletRequest req = ctx.req();
        // The raw header: the servlet's getContentType() throws on an unknown charset.
        String rawContentType = req.getHeader("Content-Type");
        MediaType type = MediaType.parse(rawContentType);
        long declaredLength = req.getContentLengthLong();
        if (type != null && type.isCloudEvents() && type.charset() != null
                && !type.charset().equalsIgnoreCase("utf-8") && !type.charset().equalsIgnoreCase("utf8")) {
            throw new UnsupportedMediaTypeException("CloudEvents JSON is read as UTF-8; charset " + type.charset()
                    + " is not supported", MediaType.CLOUDEVENTS_JSON + ", " + MediaType.CLOUDEVENTS_BATCH_JSON);
        }
        byte[] body;
        Function<byte[], List<CloudEvent>> parse;
        if (type != null && type.essence().equals(MediaType.CLOUDEVENTS_JSON)) {
            body = BodyReader.read(input(req), declaredLength, maxEventBytes, "the event");
            parse = b -> List.of(CloudEventJsonReader.readEvent(b));
        } else if (type != null && type.essence().equals(MediaType.CLOUDEVENTS_BATCH_JSON)) {
            body = BodyReader.read(input(req), declaredLength, maxBatchBytes, "the batch");
            parse = b -> CloudEventJsonReader.readBatch(b, maxEventBytes);
        } else if (req.getHeader("ce-specversion") != null && (type == null || !type.isCloudEvents())) {
            body = BodyReader.read(input(req), declaredLength, maxEventBytes, "the event data");
            Map<String, List<String>> headers = ceHeaders(req);
            parse = b -> List.of(BinaryModeReader.read(headers, rawContentType, b));
        } else {
            throw new UnsupportedMediaTypeException("publish with Content-Type " + MediaType.CLOUDEVENTS_JSON
                    + " or " + MediaType.CLOUDEVENTS_BATCH_JSON + ", or in binary mode with ce-* headers",
                    MediaType.CLOUDEVENTS_JSON + ", " + MediaType.CLOUDEVENTS_BATCH_JSON);
        }
        // Admitted before parsing: under overload, refusing is the cheapest answer.
        long size = body.length;
        admission.admit(size);
        CompletableFuture<Void> stored;
        try {
            stored = publishEvents.publishAsync(caller, parse.apply(body));
        } catch (RuntimeException | Error e) {
            admission.release(size);
            throw e;
        }
        // The request thread is released while storage commits; the response is written on completion.
        CompletableFuture<Void> answered = stored.whenComplete((ok, failure) -> admission.release(size))
                .thenRun(() -> ctx.status(200));
        ctx.future(() -> answered);
    }

    void query(Context ctx) {
        Caller caller = authenticate(ctx, Caller.SCOPE_SUBSCRIBE);
        List<Violation> violations = new ArrayList<>();
        String resource = Requests.single(ctx, "resource", violations);
        if (resource == null || resource.isEmpty()) {
            violations.add(new Violation("resource", "is required"));
        }
        String after = Requests.single(ctx, "after", violations);
        if (after == null) {
            violations.add(new Violation("after", "is required: 0 to start, then the cursor of the next link"));
        } else if (!CURSOR.matcher(after).matches()) {
            violations.add(new Violation("after", "must be 0 or the cursor of a previous page's next link"));
        }
        String sizeText = Requests.single(ctx, "size", violations);
        int size = EventQuery.DEFAULT_SIZE;
        if (sizeText != null) {
            size = SIZE.matcher(sizeText).matches() ? Integer.parseInt(sizeText) : -1;
            if (size < 1 || size > EventQuery.MAX_SIZE) {
                violations.add(new Violation("size", "must be an integer from 1 to " + EventQuery.MAX_SIZE));
            }
        }
        String subject = Requests.single(ctx, "subject", violations);
        if (subject != null && subject.isEmpty()) {
            violations.add(new Violation("subject", "must not be empty when given"));
        }
        List<String> alternativeSubjects = Collections.list(ctx.req().getHeaders(ALTERNATIVE_SUBJECT_HEADER));
        String alternativeSubject = null;
        if (alternativeSubjects.size() > 1) {
            violations.add(new Violation(ALTERNATIVE_SUBJECT_HEADER, "must be given once"));
        } else if (alternativeSubjects.size() == 1) {
            alternativeSubject = alternativeSubjects.get(0).strip();
            if (alternativeSubject.isEmpty()) {
                violations.add(new Violation(ALTERNATIVE_SUBJECT_HEADER, "must not be empty when given"));
            } else if (subject != null) {
                violations.add(new Violation("subject",
                        "cannot be combined with the " + ALTERNATIVE_SUBJECT_HEADER + " header"));
            }
        }
        List<String> typeTexts = ctx.queryParams("type");
        List<TypePattern> types = new ArrayList<>();
        if (typeTexts.size() > EventFilter.MAX_TYPES) {
            violations.add(new Violation("type", "may be given at most " + EventFilter.MAX_TYPES + " times"));
        } else {
            for (String t : typeTexts) {
                if (t.isEmpty()) {
                    violations.add(new Violation("type", "must not be empty when given"));
                } else {
                    try {
                        types.add(new TypePattern(t));
                    } catch (InvalidEventException e) {
                        violations.addAll(e.violations());
                    }
                }
            }
        }
        if (!violations.isEmpty()) {
            throw new InvalidEventException(CloudEventJsonReader.distinct(violations));
        }
        EventQuery query = new EventQuery(new EventFilter(resource, subject, alternativeSubject, types), after, size);
        EventPage page = queryEvents.query(caller, query);

        ctx.header("next", nextLink(ctx, resource, page.next(), subject, typeTexts, sizeText));
        ctx.contentType(MediaType.CLOUDEVENTS_BATCH_JSON);
        ctx.result(CloudEventJsonWriter.writeBatch(page.events()));
    }

    void health(Context ctx) {
        ctx.contentType("application/json").result("{\"status\":\"healthy\"}");
    }

    void ready(Context ctx) {
        if (readiness.getAsBoolean()) {
            ctx.contentType("application/json").result("{\"status\":\"ready\"}");
        } else {
            Problems.respond(ctx, new Problems.Problem(503, "not-ready", "Service unavailable",
                    "The service cannot serve requests now (storage unreachable).")
                    .withHeader("Retry-After", Problems.RETRY_AFTER_SECONDS));
        }
    }

    private Caller authenticate(Context ctx, String scope, String... alternatives) {
        return Scopes.require(authenticator, ctx, scope, alternatives);
    }

    private String nextLink(Context ctx, String resource, String next, String subject, List<String> types,
                            String size) {
        StringBuilder url = new StringBuilder(Requests.baseUrl(ctx, baseUrl)).append(EVENTS_PATH)
                .append("?resource=").append(encode(resource))
                .append("&after=").append(next);
        if (subject != null) {
            url.append("&subject=").append(encode(subject));
        }
        for (String type : types) {
            url.append("&type=").append(encode(type));
        }
        if (size != null) {
            url.append("&size=").append(encode(size));
        }
        return url.toString();
    }

    /** Percent-encodes a query value, leaving RFC 3986 unreserved characters and ":/@!$'()*,;" readable. */
    static String encode(String value) {
        StringBuilder out = new StringBuilder(value.length() + 16);
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "-._~:/@!$'()*,;".indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%').append(String.format(Locale.ROOT, "%02X", c));
            }
        }
        return out.toString();
    }

    private static Map<String, List<String>> ceHeaders(HttpServletRequest req) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : Collections.list(req.getHeaderNames())) {
            if (name.length() > 3 && name.regionMatches(true, 0, "ce-", 0, 3)) {
                headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .addAll(Collections.list(req.getHeaders(name)));
            }
        }
        return headers;
    }

    private static InputStream input(HttpServletRequest req) {
        try {
            return req.getInputStream();
        } catch (IOException e) {
            throw new InvalidEventException(new Violation("body", "could not be read"));
        }
    }
}
