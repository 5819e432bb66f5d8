package events.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Forwards loopback TCP connections to a target port, as a proxy or load balancer between two peers would. It can
 * be told to cut: then it closes every forwarded connection and closes new ones as soon as they arrive (a database
 * that went away), until restored. Built with {@link #droppingIdleAfter}, it also closes, on both sides and without
 * a word, every connection that carried nothing for that long, as many proxies do with idle connections.
 */
public final class TcpProxy implements AutoCloseable {
    /** One forwarded connection: both sockets and when a byte last went through. */
    private record Link(Socket client, Socket target, AtomicLong lastActive) {
        void close() {
            closeQuietly(client);
            closeQuietly(target);
        }
    }

    private final ServerSocket server;
    private final int targetPort;
    private final Duration idleLimit;
    private final Map<Socket, Link> open = new ConcurrentHashMap<>();
    private final AtomicInteger droppedIdle = new AtomicInteger();
    private volatile boolean up = true;

    private TcpProxy(int targetPort, Duration idleLimit) throws IOException {
        this.targetPort = targetPort;
        this.idleLimit = idleLimit;
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        daemon("tcp-proxy-accept", this::acceptLoop).start();
        if (idleLimit != null) {
            daemon("tcp-proxy-idle", this::dropIdleLoop).start();
        }
    }

    /** A proxy to {@code targetPort} that keeps connections for as long as the peers do. */
    public TcpProxy(int targetPort) throws IOException {
        this(targetPort, null);
    }

    /** A proxy to {@code targetPort} that closes connections idle for {@code idleLimit}. */
    public static TcpProxy droppingIdleAfter(int targetPort, Duration idleLimit) throws IOException {
        return new TcpProxy(targetPort, idleLimit);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Connections closed because they were idle for the idle limit. */
    public int droppedIdle() {
        return droppedIdle.get();
    }

    /** Connections forwarded right now. */
    public int open() {
        return open.size();
    }

    /** Closes every forwarded connection and refuses new ones until {@link #restore()}. */
    public synchronized void cut() {
        up = false;
        open.values().forEach(Link::close);
        open.clear();
    }

    public void restore() {
        up = true;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            try {
                Socket target = up ? new Socket(InetAddress.getLoopbackAddress(), targetPort) : null;
                Link link;
                synchronized (this) {
                    // Checked again under the lock cut() takes: a connection accepted as the cut began is closed.
                    if (!up || target == null) {
                        closeQuietly(client);
                        if (target != null) {
                            closeQuietly(target);
                        }
                        continue;
                    }
                    link = new Link(client, target, new AtomicLong(System.nanoTime()));
                    open.put(client, link);
                }
                pump(link, client, target);
                pump(link, target, client);
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    private void pump(Link link, Socket from, Socket to) {
        daemon("tcp-proxy-pump", () -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buffer)) != -1; ) {
                    link.lastActive().set(System.nanoTime());
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side closed
            } finally {
                link.close();
                open.remove(link.client());
            }
        }).start();
    }

    private void dropIdleLoop() {
        long limit = idleLimit.toNanos();
        while (!server.isClosed()) {
            long now = System.nanoTime();
            for (Link link : open.values()) {
                if (now - link.lastActive().get() >= limit && open.remove(link.client()) != null) {
                    link.close();
                    droppedIdle.incrementAndGet();
                }
            }
            try {
                Thread.sleep(Math.max(1, idleLimit.toMillis() / 10));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        cut();
    }
}
