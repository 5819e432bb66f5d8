package events.bench;

import events.adapters.jdbc.JdbcStores;
import events.domain.Subscription;
import events.domain.SubscriptionRequest;
import events.domain.SubscriptionStatus;
import events.domain.WebhookSecret;
import events.ports.SubscriptionStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Stores active subscriptions straight into a server's database through the JDBC adapter, before the server
 * starts (creating 100 000 through the HTTP API, each with an endpoint validation, would take far too long).
 * Subscription {@code i} belongs to {@code /org/ttd}, is on resource {@code <prefix><i % resources>} and pushes
 * to {@code http://127.0.0.1:9/seeded/<i>} (the discard port: never called, because no published event
 * concerns those resources). Each is stored with {@code createIfAbsent} and a fresh secret, then set
 * {@link SubscriptionStatus#ACTIVE}, as the engine does once an endpoint answered its validation. The seeding
 * sessions trade durability for speed (H2 {@code WRITE_DELAY=500}, PostgreSQL {@code synchronous_commit=off});
 * the stores are closed cleanly before the server opens the database. The secrets are stored as given, without the
 * server's key: the server seals them when it opens the database (100 000 took 14 s on H2), before it is ready.
 *
 * <p>Flags: {@code --h2-dir DIR} (the server's data directory) or {@code --db-url URL} with {@code --db-user}
 * and {@code --db-password}; {@code --count} (100), {@code --resources} (1000), {@code --resource-prefix}
 * ({@code urn:altinn:resource:bench-other-}), {@code --threads} (4).
 */
public final class SubscriptionSeeder {
    private SubscriptionSeeder() {
    }

    public static void main(String[] args) throws Exception {
        Flags flags = Flags.parse(args);
        int count = flags.intValue("--count", 100, 0, 10_000_000);
        int resources = flags.intValue("--resources", 1000, 1, 1_000_000);
        int threads = flags.intValue("--threads", 4, 1, 64);
        String prefix = flags.value("--resource-prefix", "urn:altinn:resource:bench-other-");
        String h2Dir = flags.value("--h2-dir", null);
        long started = System.nanoTime();
        try (JdbcStores stores = h2Dir != null ? h2(Path.of(h2Dir))
                : JdbcStores.open(withoutSyncCommit(flags.require("--db-url")), flags.value("--db-user", null),
                        flags.value("--db-password", null))) {
            SubscriptionStore store = stores.subscriptionStore();
            AtomicInteger next = new AtomicInteger();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Thread w = new Thread(() -> {
                    SecureRandom random = new SecureRandom();
                    for (int i = next.getAndIncrement(); i < count && failure.get() == null;
                            i = next.getAndIncrement()) {
                        try {
                            seed(store, random, i, prefix + (i % resources));
                        } catch (RuntimeException e) {
                            failure.compareAndSet(null, e);
                        }
                    }
                }, "seed-" + t);
                workers.add(w);
                w.start();
            }
            for (Thread w : workers) {
                w.join();
            }
            if (failure.get() != null) {
                throw new IllegalStateException("seeding failed", failure.get());
            }
            int active = store.active().size();
            if (active < count) {
                throw new IllegalStateException("seeded " + count + " subscriptions but the store holds " + active
                        + " active ones");
            }
            System.out.printf(Locale.ROOT, "seeded %d active subscriptions on %d resources (%s...) in %.1f s; "
                    + "the store holds %d active%n", count, Math.min(count, resources), prefix,
                    (System.nanoTime() - started) / 1e9, active);
        }
    }

    /**
     * The database {@code JdbcStores.h2(dir)} opens (the same file), but with H2's default {@code WRITE_DELAY} of
     * 500 ms instead of the server's 0 (a file write per commit): seeding is not what is measured, and closing
     * the stores writes everything. 100 000 subscriptions take minutes with a write per commit.
     */
    static JdbcStores h2(Path dir) throws IOException {
        Files.createDirectories(dir);
        return JdbcStores.open("jdbc:h2:file:" + dir.toAbsolutePath().resolve("events") + ";WRITE_DELAY=500", "sa", "");
    }

    /**
     * The PostgreSQL URL with {@code synchronous_commit=off} for the seeding sessions only (no wait for the WAL
     * flush per commit; the server's own sessions are unaffected).
     */
    static String withoutSyncCommit(String url) {
        if (!url.startsWith("jdbc:postgresql:") || url.contains("options=")) {
            return url;
        }
        return url + (url.contains("?") ? "&" : "?") + "options=-c%20synchronous_commit%3Doff";
    }

    private static void seed(SubscriptionStore store, SecureRandom random, int i, String resource) {
        Instant now = Instant.now();
        SubscriptionRequest request = new SubscriptionRequest("http://127.0.0.1:9/seeded/" + i, resource, null, null,
                null, null, List.of());
        SubscriptionStore.Created created = store.createIfAbsent(
                Subscription.create(UUID.randomUUID(), "/org/ttd", request, now), WebhookSecret.generate(random));
        if (!store.setStatus(created.subscription().id(), SubscriptionStatus.ACTIVE, now)) {
            throw new IllegalStateException("subscription " + created.subscription().id() + " vanished");
        }
    }
}
