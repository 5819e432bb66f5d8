package events.server;

import events.adapters.http.EventsApi;
import events.adapters.http.JwtAuthenticator;
import events.adapters.jdbc.JdbcStores;
import events.core.Events;
import io.javalin.Javalin;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds storage, the engine and the HTTP API from {@link ServerSettings}, exactly as
 * an embedder would, and serves them. Nothing else lives here.
 */
public final class EventsServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventsServer.class);

    private final JdbcStores stores;
    private final Javalin app;
    private final String baseUrl;

    private EventsServer(JdbcStores stores, Javalin app, String baseUrl) {
        this.stores = stores;
        this.app = app;
        this.baseUrl = baseUrl;
    }

    /** Opens storage (running migrations), starts HTTP, and returns once the server accepts requests. */
    public static EventsServer start(ServerSettings settings) {
        Optional<byte[]> hs256Secret = JwtSecrets.resolve(settings);
        JwtAuthenticator.Builder jwt = JwtAuthenticator.builder();
        hs256Secret.ifPresent(jwt::hs256Secret);
        settings.jwtJwks().ifPresent(jwt::jwks);
        settings.jwtIssuer().ifPresent(jwt::issuer);
        settings.jwtAudience().ifPresent(jwt::audience);
        JwtAuthenticator authenticator = jwt.build();

        JdbcStores stores = settings.dbUrl()
                .map(url -> JdbcStores.open(url, settings.dbUser().orElse(null), settings.dbPassword().orElse(null)))
                .orElseGet(() -> JdbcStores.h2(settings.dataDir()));
        try {
            Events events = Events.builder().eventStore(stores.eventStore()).build();
            Javalin[] started = new Javalin[1];
            EventsApi api = EventsApi.builder()
                    .publishEvents(events.publishEvents())
                    .queryEvents(events.queryEvents())
                    .authenticator(authenticator)
                    .readiness(events::isReady)
                    .baseUrl(() -> settings.baseUrl().orElseGet(() -> "http://localhost:" + started[0].port()))
                    .maxEventBytes(settings.maxEventBytes())
                    .maxBatchBytes(settings.maxBatchBytes())
                    .build();
            Javalin app = Javalin.create(config -> {
                config.startup.showJavalinBanner = false;
                api.register(config);
            });
            started[0] = app;
            app.start(settings.port());
            String baseUrl = settings.baseUrl().orElse("http://localhost:" + app.port());
            log.info("Events listening on port {} ({}), storage: {}", app.port(), baseUrl,
                    settings.dbUrl().map(EventsServer::withoutCredentials).orElse("H2 in " + settings.dataDir().toAbsolutePath()));
            return new EventsServer(stores, app, baseUrl);
        } catch (RuntimeException e) {
            stores.close();
            throw e;
        }
    }

    private static String withoutCredentials(String jdbcUrl) {
        int q = jdbcUrl.indexOf('?');
        return q < 0 ? jdbcUrl : jdbcUrl.substring(0, q);
    }

    public int port() {
        return app.port();
    }

    public String baseUrl() {
        return baseUrl;
    }

    @Override
    public void close() {
        app.stop();
        stores.close();
    }
}
