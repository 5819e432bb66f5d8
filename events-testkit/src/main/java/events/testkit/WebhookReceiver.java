package events.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * A real webhook endpoint on loopback, written on plain sockets so that it can behave as real receivers do and a
 * polished test server would not: one that speaks HTTP/1.0 and closes every connection after its answer (Python's
 * {@code http.server}), or one that keeps connections alive but closes those left idle for a while (most servers
 * and load balancers, some with timeouts shorter than a client's pool). Records every request and answers with a
 * status a test chooses (200 by default), empty-bodied.
 */
public final class WebhookReceiver implements AutoCloseable {
    /** One request as received: its path, headers (names lower case), body, and when it arrived. */
    public record Received(String path, Map<String, String> headers, String body, long receivedNanos) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private static final int MAX_HEAD = 64 * 1024;

    private final ServerSocket server;
    /** Null: HTTP/1.0, one request per connection; zero: keep-alive without an idle limit. */
    private final Duration idleTimeout;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger closedIdle = new AtomicInteger();
    private volatile ToIntFunction<Received> answer = r -> 200;

    private WebhookReceiver(Duration idleTimeout) {
        this.idleTimeout = idleTimeout;
        try {
            server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        daemon("webhook-receiver-accept", this::acceptLoop).start();
    }

    /** HTTP/1.1 keep-alive, connections kept for as long as the client keeps them. */
    public static WebhookReceiver keepingAlive() {
        return new WebhookReceiver(Duration.ZERO);
    }

    /** HTTP/1.1 keep-alive, each connection closed once idle for {@code idleTimeout}. */
    public static WebhookReceiver keepingAliveFor(Duration idleTimeout) {
        if (idleTimeout.isZero() || idleTimeout.isNegative()) {
            throw new IllegalArgumentException("an idle timeout is positive");
        }
        return new WebhookReceiver(idleTimeout);
    }

    /** Answers {@code HTTP/1.0} and closes the connection after every request, as Python's http.server does. */
    public static WebhookReceiver closingEachConnection() {
        return new WebhookReceiver(null);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The endpoint URL for {@code path}. */
    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    /** How to answer each request from now on: the status (may take its time). */
    public void answer(ToIntFunction<Received> rule) {
        this.answer = rule;
    }

    public List<Received> received() {
        return new ArrayList<>(received);
    }

    public List<Received> received(Predicate<Received> which) {
        return received.stream().filter(which).toList();
    }

    /** Waits until at least {@code n} requests match, or fails after {@code timeout}; returns those that match. */
    public List<Received> await(Predicate<Received> which, int n, Duration timeout) {
        await(() -> received(which).size() >= n, timeout,
                () -> n + " matching webhook requests (got " + received(which).size() + " of " + received.size() + ")");
        return received(which);
    }

    /** Connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** Connections this receiver closed because they stayed idle for its idle timeout. */
    public int closedIdle() {
        return closedIdle.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                connections.incrementAndGet();
                open.add(socket);
                daemon("webhook-receiver-connection", () -> serve(socket)).start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            if (idleTimeout != null) {
                socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, idleTimeout.toMillis()));
            }
            while (true) {
                Received r;
                try {
                    r = read(in);
                } catch (SocketTimeoutException e) {
                    closedIdle.incrementAndGet();
                    return;
                }
                if (r == null) {
                    return; // the client closed
                }
                received.add(r);
                int status = answer.applyAsInt(r);
                String version = idleTimeout == null ? "HTTP/1.0 " : "HTTP/1.1 ";
                out.write((version + status + " Answer\r\nContent-Length: 0\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                if (idleTimeout == null) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away mid-request, or the receiver closed
        } finally {
            open.remove(socket);
        }
    }

    /** Reads one request, or returns null when the connection ended before one began. */
    private static Received read(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b == -1) {
                if (head.size() == 0) {
                    return null;
                }
                throw new IOException("connection closed inside a request head");
            }
            head.write(b);
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (head.size() > MAX_HEAD) {
                throw new IOException("request head too large");
            }
        }
        long arrived = System.nanoTime();
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        Map<String, String> headers = new TreeMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw new IOException("connection closed inside a request body");
        }
        String target = lines[0].split(" ")[1];
        int query = target.indexOf('?');
        return new Received(query < 0 ? target : target.substring(0, query), Map.copyOf(headers),
                new String(body, StandardCharsets.UTF_8), arrived);
    }

    /** Waits until {@code condition} holds, or fails after {@code timeout} naming {@code what} was awaited. */
    public static void await(BooleanSupplier condition, Duration timeout, java.util.function.Supplier<String> what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what.get());
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what.get(), e);
            }
        }
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
