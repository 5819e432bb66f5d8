package events.adapters.http.internal;

import events.domain.Delivery;
import events.domain.DeliveryAttempt;
import events.domain.InvalidSubscriptionException;
import events.domain.Subscription;
import events.domain.SubscriptionNotFoundException;
import events.domain.SubscriptionRequest;
import events.domain.Violation;
import events.ports.Caller;
import events.ports.ManageSubscriptions;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.ToLongFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The webhook subscription endpoints (SPEC section 4). Every one needs scope {@value Caller#SCOPE_SUBSCRIBE}:
 * create, and list, read, delete, rotate the secret, and inspect deliveries and dead letters, the
 * {@link ManageSubscriptions} port deciding who owns what (404 for another consumer's, as for none). Owning a
 * subscription is not enough: a token the owner got for something else (publishing, say) must not read its
 * endpoint, take a new signing secret or redrive its dead letters. Use through
 * {@code events.adapters.http.EventsApi}.
 */
public final class SubscriptionRoutes {
    static final String SUBSCRIPTIONS_PATH = EventRoutes.BASE_PATH + "/subscriptions";
    static final String JSON = "application/json";
    /** Default and largest page of deliveries or dead letters. */
    static final int DEFAULT_PAGE = 50;
    static final int MAX_PAGE = 1000;
    /** A UUID in its canonical 8-4-4-4-12 form; {@link UUID#fromString} also takes shorter groups. */
    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern CURSOR = Pattern.compile("\\d{1,19}");
    private static final Pattern SIZE = Pattern.compile("\\d{1,9}");

    private final ManageSubscriptions subscriptions;
    private final Function<String, Caller> authenticator;
    private final Supplier<String> baseUrl;
    private final int maxRequestBytes;

    /** @param baseUrl absolute prefix for {@code Location} and {@code next} links, or null to derive it from the request */
    public SubscriptionRoutes(ManageSubscriptions subscriptions, Function<String, Caller> authenticator,
                              Supplier<String> baseUrl, int maxRequestBytes) {
        this.subscriptions = subscriptions;
        this.authenticator = authenticator;
        this.baseUrl = baseUrl;
        this.maxRequestBytes = maxRequestBytes;
    }

    public void register(JavalinConfig config) {
        config.routes.post(SUBSCRIPTIONS_PATH, this::create);
        config.routes.get(SUBSCRIPTIONS_PATH, this::list);
        config.routes.get(SUBSCRIPTIONS_PATH + "/{id}", this::get);
        config.routes.delete(SUBSCRIPTIONS_PATH + "/{id}", this::delete);
        config.routes.post(SUBSCRIPTIONS_PATH + "/{id}/secret/rotate", this::rotateSecret);
        config.routes.get(SUBSCRIPTIONS_PATH + "/{id}/deliveries", this::deliveries);
        config.routes.get(SUBSCRIPTIONS_PATH + "/{id}/deadletters", this::deadLetters);
        config.routes.post(SUBSCRIPTIONS_PATH + "/{id}/deadletters/redrive", this::redrive);
    }

    void create(Context ctx) {
        Caller caller = subscriber(ctx);
        // The raw header: the servlet's getContentType() throws on an unknown charset.
        MediaType type = MediaType.parse(ctx.req().getHeader("Content-Type"));
        if (type == null || !type.essence().equals(JSON)) {
            throw new UnsupportedMediaTypeException("send the subscription as JSON: Content-Type " + JSON, JSON);
        }
        if (type.charset() != null && !type.charset().equalsIgnoreCase("utf-8")
                && !type.charset().equalsIgnoreCase("utf8")) {
            throw new UnsupportedMediaTypeException("subscriptions are read as UTF-8; charset " + type.charset()
                    + " is not supported", JSON);
        }
        byte[] body = BodyReader.read(input(ctx), ctx.req().getContentLengthLong(), maxRequestBytes, "the subscription");
        SubscriptionRequest request = SubscriptionJson.readRequest(body);
        ManageSubscriptions.CreatedSubscription created = subscriptions.create(caller, request);
        // 201 also for an identical existing subscription (Altinn's behaviour); only a new one shows its secret.
        ctx.status(201);
        ctx.header("Location", Requests.baseUrl(ctx, baseUrl) + SUBSCRIPTIONS_PATH + "/" + created.subscription().id());
        respond(ctx, SubscriptionJson.subscription(created.subscription(), created.secret().orElse(null)));
    }

    /**
     * The caller's subscriptions, oldest first, {@code size} at a time (default and most {@value #MAX_PAGE}, so an
     * Altinn client that reads one answer gets them all up to that many); past a full page, a {@code next} link
     * continues {@code after} its last one.
     */
    void list(Context ctx) {
        Caller caller = subscriber(ctx);
        List<Violation> violations = new ArrayList<>();
        String after = Requests.single(ctx, "after", violations);
        if (after != null && !UUID_TEXT.matcher(after).matches()) {
            violations.add(new Violation("after", "must be the id of a subscription from the previous page"));
        }
        int size = ctx.queryParam("size") == null ? MAX_PAGE : size(ctx, violations);
        check(violations);
        List<Subscription> all = subscriptions.list(caller);
        int from = 0;
        if (after != null) {
            UUID afterId = UUID.fromString(after);
            from = indexOf(all, afterId) + 1;
            if (from == 0) {
                check(List.of(new Violation("after", "is not one of your subscriptions (deleted since?)")));
            }
        }
        List<Subscription> page = all.subList(from, Math.min(all.size(), from + size));
        if (from + page.size() < all.size()) {
            StringBuilder next = new StringBuilder(Requests.baseUrl(ctx, baseUrl)).append(SUBSCRIPTIONS_PATH)
                    .append("?after=").append(page.get(page.size() - 1).id());
            if (ctx.queryParam("size") != null) {
                next.append("&size=").append(size);
            }
            ctx.header("next", next.toString());
        }
        respond(ctx, SubscriptionJson.subscriptions(page));
    }

    private static int indexOf(List<Subscription> list, UUID id) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).id().equals(id)) {
                return i;
            }
        }
        return -1;
    }

    void get(Context ctx) {
        Caller caller = subscriber(ctx);
        respond(ctx, SubscriptionJson.subscription(subscriptions.get(caller, id(ctx)), null));
    }

    void delete(Context ctx) {
        Caller caller = subscriber(ctx);
        subscriptions.delete(caller, id(ctx));
        ctx.status(200);
    }

    void rotateSecret(Context ctx) {
        Caller caller = subscriber(ctx);
        respond(ctx, SubscriptionJson.secret(subscriptions.rotateSecret(caller, id(ctx))));
    }

    void deliveries(Context ctx) {
        page(ctx, "deliveries", "before", Long.MAX_VALUE,
                (caller, id, cursor, size) -> subscriptions.deliveries(caller, id, cursor, size), DeliveryAttempt::id,
                SubscriptionJson::deliveries);
    }

    void deadLetters(Context ctx) {
        page(ctx, "deadletters", "after", 0,
                (caller, id, cursor, size) -> subscriptions.deadLetters(caller, id, cursor, size), Delivery::id,
                SubscriptionJson::deadLetters);
    }

    /** Reads one page of a subscription's list from a cursor; the page. */
    private interface PageReader<T> {
        List<T> read(Caller caller, UUID id, long cursor, int size);
    }

    /**
     * A paged list of one subscription: {@code cursorName} (absent: {@code absent}) and {@code size} from the query,
     * and a {@code next} link (header and field) continuing after the last entry when the page is full.
     */
    private <T> void page(Context ctx, String what, String cursorName, long absent, PageReader<T> reader,
            ToLongFunction<T> idOf, BiFunction<List<T>, String, byte[]> json) {
        Caller caller = subscriber(ctx);
        UUID id = id(ctx);
        List<Violation> violations = new ArrayList<>();
        long cursor = cursor(ctx, cursorName, absent, violations);
        int size = size(ctx, violations);
        check(violations);
        List<T> page = reader.read(caller, id, cursor, size);
        String next = page.size() < size ? null
                : pageLink(ctx, id, what, cursorName, idOf.applyAsLong(page.get(page.size() - 1)));
        if (next != null) {
            ctx.header("next", next);
        }
        respond(ctx, json.apply(page, next));
    }

    void redrive(Context ctx) {
        Caller caller = subscriber(ctx);
        respond(ctx, SubscriptionJson.redriven(subscriptions.redrive(caller, id(ctx))));
    }

    /**
     * A valid token with the subscribe scope, checked before the path's id is looked at (so a token without it
     * learns nothing of which ids exist); which subscriptions the caller may touch is ownership, decided by the port.
     */
    private Caller subscriber(Context ctx) {
        return Scopes.require(authenticator, ctx, Caller.SCOPE_SUBSCRIBE);
    }

    /** The subscription id of the path; anything but a UUID names no subscription (404). */
    private static UUID id(Context ctx) {
        String text = ctx.pathParam("id");
        if (!UUID_TEXT.matcher(text).matches()) {
            throw new SubscriptionNotFoundException(text);
        }
        return UUID.fromString(text);
    }

    private static long cursor(Context ctx, String name, long absent, List<Violation> violations) {
        String text = Requests.single(ctx, name, violations);
        if (text == null) {
            return absent;
        }
        if (CURSOR.matcher(text).matches()) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException tooBig) {
                // falls through to the violation
            }
        }
        violations.add(new Violation(name, "must be an id from a previous page"));
        return absent;
    }

    private static int size(Context ctx, List<Violation> violations) {
        String text = Requests.single(ctx, "size", violations);
        if (text == null) {
            return DEFAULT_PAGE;
        }
        int size = SIZE.matcher(text).matches() ? Integer.parseInt(text) : -1;
        if (size < 1 || size > MAX_PAGE) {
            violations.add(new Violation("size", "must be an integer from 1 to " + MAX_PAGE));
            return DEFAULT_PAGE;
        }
        return size;
    }

    private static void check(List<Violation> violations) {
        if (!violations.isEmpty()) {
            throw new InvalidSubscriptionException(CloudEventJsonReader.distinct(violations));
        }
    }

    private String pageLink(Context ctx, UUID id, String what, String cursorName, long cursor) {
        StringBuilder url = new StringBuilder(Requests.baseUrl(ctx, baseUrl)).append(SUBSCRIPTIONS_PATH).append('/').append(id)
                .append('/').append(what).append('?').append(cursorName).append('=').append(cursor);
        String size = ctx.queryParam("size");
        if (size != null) {
            url.append("&size=").append(EventRoutes.encode(size));
        }
        return url.toString();
    }

    private static void respond(Context ctx, byte[] json) {
        ctx.contentType(JSON);
        ctx.result(json);
    }

    private static InputStream input(Context ctx) {
        try {
            return ctx.req().getInputStream();
        } catch (IOException e) {
            throw new InvalidSubscriptionException(new Violation("body", "could not be read"));
        }
    }
}
