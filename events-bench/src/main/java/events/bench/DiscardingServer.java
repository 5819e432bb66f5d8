package events.bench;

import events.adapters.http.EventsApi;
import events.adapters.http.JwtAuthenticator;
import events.core.Events;
import events.core.ScopeOnlyAuthorizer;
import events.domain.CloudEvent;
import events.domain.EventFilter;
import events.domain.StoredEvent;
import events.ports.EventScan;
import events.ports.EventStore;
import io.javalin.Javalin;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the server costs without a database: the real HTTP API, authentication and publish use case (with
 * authorization by scope alone) on an event store that keeps nothing. Between the bare route and the servers on
 * H2 and PostgreSQL, it shows how much of the gap is the request path and how much is storage.
 *
 * <p>Usage: {@code DiscardingServer PORT inline|handoff}, with the HS256 secret in {@code EVENTS_JWT_SECRET}; binds
 * 127.0.0.1. With {@code inline} an append completes at once, on the request's thread, and the response is
 * written there. With it, an append is queued and completed as the JDBC event store completes its appends: a
 * writer thread takes what is queued as a group and hands the group to another thread, which completes each
 * append and so writes its response.
 */
public final class DiscardingServer {
    private DiscardingServer() {
    }

    public static void main(String[] args) {
        if (args.length != 2 || !args[1].equals("inline") && !args[1].equals("handoff")) {
            throw new IllegalArgumentException("usage: DiscardingServer PORT inline|handoff");
        }
        int port = Integer.parseInt(args[0]);
        boolean handoff = args[1].equals("handoff");
        String secret = System.getenv("EVENTS_JWT_SECRET");
        if (secret == null) {
            throw new IllegalStateException("EVENTS_JWT_SECRET is not set");
        }
        Javalin app = start(port, secret.getBytes(StandardCharsets.UTF_8), handoff);
        Runtime.getRuntime().addShutdownHook(new Thread(app::stop, "discarding-server-stop"));
        System.out.println("discarding server (" + (handoff ? "handoff" : "inline") + ") listening on 127.0.0.1:"
                + app.port());
    }

    /** Serves on 127.0.0.1:{@code port} (0: any free port), checking tokens with the HS256 {@code secret}. */
    static Javalin start(int port, byte[] secret, boolean handoff) {
        JwtAuthenticator authenticator = JwtAuthenticator.builder().hs256Secret(secret).build();
        Events events = Events.builder()
                .eventStore(new DiscardingStore(handoff))
                .authorizer(new ScopeOnlyAuthorizer())
                .build();
        Javalin[] started = new Javalin[1];
        EventsApi api = EventsApi.builder()
                .publishEvents(events.publishEvents())
                .queryEvents(events.queryEvents())
                .authenticator(authenticator)
                .readiness(events::isReady)
                .baseUrl(() -> "http://127.0.0.1:" + started[0].port())
                .build();
        started[0] = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            api.register(config);
        });
        return started[0].start("127.0.0.1", port);
    }

    /** Numbers the events it is given and forgets them. */
    private static final class DiscardingStore implements EventStore {
        private final AtomicLong sequence = new AtomicLong();
        private final boolean handoff;
        private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
        private final ExecutorService acknowledger = Executors.newSingleThreadExecutor(r -> daemon(r, "acknowledger"));

        private record Pending(List<CloudEvent> events, CompletableFuture<List<StoredEvent>> result) {
        }

        DiscardingStore(boolean handoff) {
            this.handoff = handoff;
            if (handoff) {
                daemon(this::writeLoop, "writer").start();
            }
        }

        private static Thread daemon(Runnable r, String name) {
            Thread t = new Thread(r, "discarding-" + name);
            t.setDaemon(true);
            return t;
        }

        private void writeLoop() {
            while (true) {
                List<Pending> group = new ArrayList<>();
                try {
                    group.add(queue.take());
                } catch (InterruptedException e) {
                    return;
                }
                queue.drainTo(group);
                acknowledger.execute(() -> group.forEach(p -> p.result().complete(append(p.events()))));
            }
        }

        @Override
        public List<StoredEvent> append(List<CloudEvent> events) {
            List<StoredEvent> stored = new ArrayList<>(events.size());
            for (CloudEvent e : events) {
                stored.add(new StoredEvent(sequence.incrementAndGet(), e));
            }
            return stored;
        }

        @Override
        public CompletableFuture<List<StoredEvent>> appendAsync(List<CloudEvent> events) {
            if (!handoff) {
                return CompletableFuture.completedFuture(append(events));
            }
            Pending pending = new Pending(events, new CompletableFuture<>());
            queue.add(pending);
            return pending.result();
        }

        @Override
        public EventScan read(EventFilter filter, long after, int size, int examineAtMost) {
            return new EventScan(List.of(), after, 0);
        }

        @Override
        public List<StoredEvent> readAll(long after, int limit) {
            return List.of();
        }

        @Override
        public long lastSequence() {
            return sequence.get();
        }

        @Override
        public int deleteStoredBefore(Instant cutoff, long maxSequence, int limit) {
            return 0;
        }

        @Override
        public List<StoredEvent> get(Collection<Long> sequences) {
            return List.of();
        }

        @Override
        public boolean isAvailable() {
            return true;
        }
    }
}
