package events.server;

import events.adapters.http.EventsApi;
import events.adapters.http.JwtAuthenticator;
import events.adapters.http.OkHttpWebhookSender;
import events.adapters.jdbc.JdbcStores;
import events.authz.xacml.XacmlAuthorizer;
import events.core.Events;
import events.domain.WebhookEndpoints;
import events.filter.cesql.CesqlFilterExpressions;
import events.ports.ManagePolicies;
import events.support.SecretBox;
import io.javalin.Javalin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
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
    private final OkHttpWebhookSender sender;
    private final Events events;
    private final Javalin app;
    private final String baseUrl;

    private EventsServer(JdbcStores stores, XacmlAuthorizer authorizer, OkHttpWebhookSender sender, Events events,
            Javalin app, String baseUrl) {
        this.stores = stores;
        this.authorizer = authorizer;
        this.sender = sender;
        this.events = events;
        this.app = app;
        this.baseUrl = baseUrl;
    }

    /** Opens storage (running migrations), starts HTTP, and returns once the server accepts requests. */
    public static EventsServer start(ServerSettings settings) {
        Path dataDir = settings.dataDir();
        if (Files.isDirectory(dataDir)) {
            DataDirectory.prepare(dataDir); // one an older version left open to group or others is closed
        }
        Optional<byte[]> hs256Secret = JwtSecrets.resolve(settings);
        SecretBox box = SecretKeys.resolve(settings);
        JwtAuthenticator.Builder jwt = JwtAuthenticator.builder();
        hs256Secret.ifPresent(jwt::hs256Secret);
        settings.jwtJwks().ifPresent(jwt::jwks);
        settings.jwtIssuer().ifPresent(jwt::issuer);
        settings.jwtAudience().ifPresent(jwt::audience);
        JwtAuthenticator authenticator = jwt.build();

        JdbcStores stores = settings.dbUrl()
                .map(url -> JdbcStores.open(url, settings.dbUser().orElse(null), settings.dbPassword().orElse(null),
                        box))
                .orElseGet(() -> JdbcStores.h2(DataDirectory.prepare(dataDir), box));
        if (Files.isDirectory(dataDir)) {
            DataDirectory.restrictFiles(dataDir); // H2 made its files with the process's umask
        }
        XacmlAuthorizer authorizer = null;
        OkHttpWebhookSender sender = null;
        Events events = null;
        try {
            authorizer = XacmlAuthorizer.builder(stores.policyStore())
                    .maxPolicyLength(settings.limits().maxPolicyBytes())
                    .maxPolicyDepth(settings.limits().maxPolicyDepth())
                    .build();
            WebhookEndpoints endpoints = WebhookEndpoints.builder()
                    .allowHttp(settings.webhookAllowHttp())
                    .allowPrivate(settings.webhookAllowPrivate())
                    .build();
            sender = OkHttpWebhookSender.builder()
                    .timeout(settings.webhookTimeout())
                    .endpoints(endpoints)
                    .build();
            Javalin[] started = new Javalin[1];
            Supplier<String> publicUrl = () -> settings.baseUrl().orElseGet(() -> "http://localhost:" + started[0].port());
            events = Events.builder()
                    .eventStore(stores.eventStore())
                    .authorizer(authorizer)
                    .policies(stores.policyStore(), authorizer)
                    .subscriptions(stores.subscriptionStore(), stores.deliveryStore(), sender)
                    .filterExpressions(CesqlFilterExpressions.builder()
                            .maxLength(settings.limits().maxFilterLength())
                            .maxDepth(settings.limits().maxFilterDepth())
                            .build())
                    .maxSubscriptionsPerConsumer(settings.limits().maxSubscriptionsPerConsumer())
                    .maxScanPerQuery(settings.limits().maxPollScan())
                    .webhookEndpoints(endpoints)
                    .retrySchedule(settings.retrySchedule())
                    .attemptTimeout(settings.webhookTimeout())
                    .maxConcurrencyPerEndpoint(settings.webhookConcurrency())
                    .maxConcurrencyPerHost(settings.webhookHostConcurrency())
                    .baseUrl(publicUrl)
                    .changeSignals(stores.changeSignals())
                    .secretBox(box)
                    .retention(settings.retention())
                    .build();
            ManagePolicies policies = events.managePolicies().orElseThrow();
            if (settings.policyDir().isPresent()) {
                List<String> loaded = PolicyFiles.load(settings.policyDir().get(), policies, authorizer::check);
                log.info("Loaded {} policies from {}: {}", loaded.size(), settings.policyDir().get(), loaded);
            }
            EventsApi api = EventsApi.builder()
                    .publishEvents(events.publishEvents())
                    .queryEvents(events.queryEvents())
                    .authenticator(authenticator)
                    .readiness(events::isReady)
                    .baseUrl(publicUrl)
                    .maxEventBytes(settings.maxEventBytes())
                    .maxBatchBytes(settings.maxBatchBytes())
                    .maxPublishesInFlight(settings.maxPublishesInFlight())
                    .maxPublishBytesInFlight(settings.maxPublishBytesInFlight())
                    .maxHeaderBytes(settings.maxHeaderBytes())
                    .maxPolicyBytes(settings.limits().maxPolicyBytes())
                    .managePolicies(policies)
                    .manageSubscriptions(events.manageSubscriptions().orElseThrow())
                    .build();
            Javalin app = Javalin.create(config -> {
                config.startup.showJavalinBanner = false;
                api.register(config);
            });
            started[0] = app;
            app.start(settings.port());
            String baseUrl = settings.baseUrl().orElse("http://localhost:" + app.port());
            log.info("Events listening on port {} ({}), storage: {}", app.port(), baseUrl,
                    settings.dbUrl().map(JdbcStores::withoutCredentials)
                            .orElse("H2 in " + settings.dataDir().toAbsolutePath()));
            return new EventsServer(stores, authorizer, sender, events, app, baseUrl);
        } catch (RuntimeException e) {
            if (events != null) {
                events.close();
            }
            if (sender != null) {
                sender.close();
            }
            if (authorizer != null) {
                authorizer.close();
            }
            stores.close();
            throw e;
        }
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
        events.close();
        sender.close();
        authorizer.close();
        stores.close();
    }
}
