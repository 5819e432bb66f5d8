package events.bench;

import io.javalin.Javalin;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The webhook receiver of the delivery benchmark: a bare Javalin app on 127.0.0.1 that answers every
 * {@code POST} with 200 and an empty body, after taking the time ({@link System#nanoTime()}) and the event's
 * {@code id} (found by a byte scan for {@code "id":"}, no JSON parsing) and handing them to the current
 * {@link Listener}. Endpoint validation events ({@code platform.events.validatesubscription}) are answered
 * the same way but not handed on.
 *
 * <p>Paths: {@code /d/{n}} (the throughput and latency subscriptions, and the ceiling's requests),
 * {@code /f/{n}} (the fan-out subscriptions). {@code GET /health/ready} answers 200.
 */
final class WebhookSink implements AutoCloseable {
    private static final byte[] ID_FIELD = "\"id\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] VALIDATION_TYPE =
            "\"type\":\"platform.events.validatesubscription\"".getBytes(StandardCharsets.US_ASCII);

    /** What the benchmark does with a push; called on the receiver's request threads. */
    interface Listener {
        /**
         * @param lane {@code 'd'} or {@code 'f'}, the first path segment
         * @param n the number of the path ({@code /d/3} is 3)
         * @param eventId the pushed event's id (null if the body has none)
         * @param nanos {@link System#nanoTime()} when the body had been read
         * @param ctx the request (for headers); valid during the call only
         * @param body the request body
         */
        void pushed(char lane, int n, String eventId, long nanos, Context ctx, byte[] body);
    }

    private static final Listener IGNORE = (lane, n, id, nanos, ctx, body) -> { };

    private final Javalin app;
    private volatile Listener listener = IGNORE;

    private WebhookSink(Javalin app) {
        this.app = app;
    }

    /**
     * Starts the receiver on 127.0.0.1:{@code port} (0: any free port) with room for {@code acceptQueue} connections
     * that the kernel has accepted and the receiver not yet taken (0: the JDK's default of 50).
     */
    static WebhookSink start(int port, int acceptQueue) {
        WebhookSink[] sink = new WebhookSink[1];
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.addConnector((server, http) -> {
                ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
                connector.setHost("127.0.0.1");
                connector.setPort(port);
                connector.setAcceptQueueSize(acceptQueue);
                return connector;
            });
            config.routes.post("/d/{n}", ctx -> sink[0].handle('d', ctx));
            config.routes.post("/f/{n}", ctx -> sink[0].handle('f', ctx));
            config.routes.get("/health/ready", ctx -> ctx.status(200));
        });
        sink[0] = new WebhookSink(app);
        app.start();
        return sink[0];
    }

    int port() {
        return app.port();
    }

    void listen(Listener l) {
        this.listener = l == null ? IGNORE : l;
    }

    private void handle(char lane, Context ctx) {
        byte[] body = ctx.bodyAsBytes();
        long now = System.nanoTime();
        ctx.status(200);
        if (indexOf(body, VALIDATION_TYPE, 0) >= 0) {
            return;
        }
        int n;
        try {
            n = Integer.parseInt(ctx.pathParam("n"));
        } catch (NumberFormatException e) {
            n = -1;
        }
        listener.pushed(lane, n, eventId(body), now, ctx, body);
    }

    /** The value of the first {@code "id":"...} in the body; CloudEventJsonWriter writes it second. */
    static String eventId(byte[] body) {
        int at = indexOf(body, ID_FIELD, 0);
        if (at < 0) {
            return null;
        }
        int from = at + ID_FIELD.length;
        int to = from;
        while (to < body.length && body[to] != '"') {
            to++;
        }
        return new String(body, from, to - from, StandardCharsets.UTF_8);
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public void close() {
        app.stop();
    }
}
