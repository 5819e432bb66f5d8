package events.server;

import events.adapters.http.EventsApi;
import events.adapters.http.JwtAuthenticator;
import events.adapters.jdbc.JdbcStores;
import events.authz.xacml.XacmlAuthorizer;
import events.core.Events;
import events.ports.ManagePolicies;
import io.javalin.Javalin;
import java.util.List;
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
    private final XacmlAuthorizer authorizer;
    private final Javalin app;
    private final String baseUrl;

    private EventsServer(JdbcStores stores, XacmlAuthorizer authorizer, Javalin app, String baseUrl) {
        this.stores = stores;
        this.authorizer = authorizer;
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
        XacmlAuthorizer authorizer = null;
        try {
            authorizer = XacmlAuthorizer.builder(stores.policyStore()).build();
            Events events = Events.builder()
                    .eventStore(stores.eventStore())
                    .authorizer(authorizer)
                    .policies(stores.policyStore(), authorizer)
                    .build();
            ManagePolicies policies = events.managePolicies().orElseThrow();
            if (settings.policyDir().isPresent()) {
                List<String> loaded = PolicyFiles.load(settings.policyDir().get(), policies, authorizer::check);
                log.info("Loaded {} policies from {}: {}", loaded.size(), settings.policyDir().get(), loaded);
            }
            Javalin[] started = new Javalin[1];
            EventsApi api = EventsApi.builder()
                    .publishEvents(events.publishEvents())
                    .queryEvents(events.queryEvents())
                    .authenticator(authenticator)
                    .readiness(events::isReady)
                    .baseUrl(() -> settings.baseUrl().orElseGet(() -> "http://localhost:" + started[0].port()))
                    .maxEventBytes(settings.maxEventBytes())
                    .maxBatchBytes(settings.maxBatchBytes())
                    .managePolicies(policies)
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
            return new EventsServer(stores, authorizer, app, baseUrl);
        } catch (RuntimeException e) {
            if (authorizer != null) {
                authorizer.close();
            }
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
        authorizer.close();
        stores.close();
    }
}
