package events.core.delivery;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Spreads bursts to one host: of the attempts to one host (scheme, name and port) that started less than {@code age}
 * ago, at most {@code young} are in flight; the others wait, in order. Many endpoints on one host (one event fanned
 * out to a thousand paths) then share a few dozen connections instead of each opening its own at once, which
 * overflows the receiver's accept queue (its kernel drops the connections, and they are tried again a second later).
 * An attempt that has not ended within {@code age} stops counting, so endpoints that never answer hold back the other
 * endpoints of their host by {@code age} at most.
 */
final class HostGate implements AutoCloseable {
    /** An attempt let through: pass it to {@link #ended}. */
    static final class Ticket {
        private final Host host;
        private final long started;

        private Ticket(Host host, long started) {
            this.host = host;
            this.started = started;
        }
    }

    private static final class Host {
        final String key;
        /** The tickets that still count, oldest first. */
        final ArrayDeque<Ticket> young = new ArrayDeque<>();
        final ArrayDeque<Send> waiting = new ArrayDeque<>();

        Host(String key) {
            this.key = key;
        }
    }

    /** What runs once let through. */
    interface Send {
        void run(Ticket ticket);
    }

    private final int young;
    private final long ageNanos;
    private final Executor executor;
    private final ScheduledExecutorService timer;
    /** Hosts with attempts that count or wait; guarded by this. */
    private final Map<String, Host> hosts = new HashMap<>();
    private boolean tickScheduled;

    /** Lets waiting attempts run on {@code executor}. */
    HostGate(int young, Duration age, Executor executor) {
        this.young = young;
        this.ageNanos = age.toNanos();
        this.executor = executor;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "events-delivery-host-gate");
            t.setDaemon(true);
            return t;
        });
    }

    /** The host that attempts to {@code endpoint} count against: scheme, name and port (the scheme's by default). */
    static String hostOf(URI endpoint) {
        String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
        String host = endpoint.getHost() == null ? "" : endpoint.getHost().toLowerCase(Locale.ROOT);
        int port = endpoint.getPort() >= 0 ? endpoint.getPort() : "https".equals(scheme) ? 443 : 80;
        return scheme + "://" + host + ":" + port;
    }

    /** Runs {@code send} now on this thread if the host has room, else later on the executor. */
    void enter(String hostKey, Send send) {
        Ticket now;
        synchronized (this) {
            long nanos = System.nanoTime();
            Host host = hosts.computeIfAbsent(hostKey, Host::new);
            letThrough(host, nanos);
            if (host.young.size() >= young) {
                host.waiting.add(send);
                scheduleTick();
                return;
            }
            now = admit(host, nanos);
        }
        send.run(now);
    }

    /** The attempt of {@code ticket} ended: its place goes to the next waiting, if it still counted. */
    synchronized void ended(Ticket ticket) {
        Host host = ticket.host;
        if (host.young.remove(ticket)) {
            letThrough(host, System.nanoTime());
            forgetIfIdle(host);
        }
    }

    /** Attempts waiting, for all hosts (for tests). */
    synchronized int waiting() {
        return hosts.values().stream().mapToInt(h -> h.waiting.size()).sum();
    }

    private Ticket admit(Host host, long nanos) {
        Ticket t = new Ticket(host, nanos);
        host.young.add(t);
        return t;
    }

    /** Drops the tickets that no longer count. */
    private void age(Host host, long nanos) {
        while (!host.young.isEmpty() && nanos - host.young.peekFirst().started >= ageNanos) {
            host.young.pollFirst();
        }
    }

    /** Lets waiting attempts through, in order, while the host has room. */
    private void letThrough(Host host, long nanos) {
        age(host, nanos);
        while (!host.waiting.isEmpty() && host.young.size() < young) {
            Send send = host.waiting.pollFirst();
            Ticket t = admit(host, nanos);
            try {
                executor.execute(() -> send.run(t));
            } catch (RejectedExecutionException e) {
                send.run(t); // closing: runs here, and finds the pusher closing
            }
        }
    }

    private void forgetIfIdle(Host host) {
        if (host.young.isEmpty() && host.waiting.isEmpty()) {
            hosts.remove(host.key, host);
        }
    }

    private void scheduleTick() {
        if (tickScheduled) {
            return;
        }
        tickScheduled = true;
        try {
            timer.schedule(this::tick, Math.max(1, ageNanos / 20), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            tickScheduled = false; // closed
        }
    }

    /** While attempts wait, looks every twentieth of {@code age} for tickets that stopped counting. */
    private synchronized void tick() {
        tickScheduled = false;
        long nanos = System.nanoTime();
        for (Host host : hosts.values().toArray(Host[]::new)) {
            letThrough(host, nanos);
            forgetIfIdle(host);
        }
        if (hosts.values().stream().anyMatch(h -> !h.waiting.isEmpty())) {
            scheduleTick();
        }
    }

    /** Lets every waiting attempt run (each finds the pusher closing) and stops the timer. */
    @Override
    public void close() {
        timer.shutdownNow();
        synchronized (this) {
            for (Host host : hosts.values()) {
                while (!host.waiting.isEmpty()) {
                    host.waiting.pollFirst().run(new Ticket(host, System.nanoTime()));
                }
            }
        }
    }
}
