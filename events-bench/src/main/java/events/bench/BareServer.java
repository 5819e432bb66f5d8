package events.bench;

import io.javalin.Javalin;

/**
 * The ceiling: a bare Javalin app with the publish route that reads the body and answers 200 with an empty
 * body, and nothing else (no parsing, no auth, no storage). Benchmarks report the server's throughput as a
 * ratio to this, measured in the same run on the same machine.
 *
 * <p>Usage: {@code BareServer [port]} (default 5080); binds 127.0.0.1 only. {@code GET /health/ready} answers
 * 200 so the bench script can wait for every target the same way.
 */
public final class BareServer {
    static final String PUBLISH_PATH = "/events/api/v1/events";

    private BareServer() {
    }

    public static void main(String[] args) {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 5080;
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.routes.post(PUBLISH_PATH, ctx -> {
                ctx.bodyAsBytes();
                ctx.status(200);
            });
            config.routes.get("/health/ready", ctx -> ctx.status(200));
        });
        Runtime.getRuntime().addShutdownHook(new Thread(app::stop, "bare-server-stop"));
        app.start("127.0.0.1", port);
        System.out.println("bare server listening on 127.0.0.1:" + port);
    }
}
