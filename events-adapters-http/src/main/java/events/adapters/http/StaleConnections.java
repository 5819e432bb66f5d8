package events.adapters.http;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import okhttp3.Connection;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * Sends a request again when it failed on a pooled connection that the receiver had closed: receivers close
 * connections whenever they like (HTTP/1.0, {@code Connection: close}, keep-alive timeouts shorter than the pool's,
 * proxies that drop idle connections), and such a failure says nothing about the endpoint. Only then: not after a
 * timeout, not when a response began, not when the connection was new (that failure is the attempt's outcome). Each
 * stale connection fails once and leaves the pool, so a request is sent again at most once per pooled connection and
 * then on a new one. OkHttp's own {@code retryOnConnectionFailure} is broader: it also retries on
 * another address after a new connection failed mid-request, and re-sends on 408.
 */
final class StaleConnections {

    /** A failure on a connection used before (it had gone stale). */
    static final class StaleConnectionException extends IOException {
        private static final long serialVersionUID = 1L;

        StaleConnectionException(IOException cause) {
            super("a pooled connection had been closed by the peer: " + cause.getMessage(), cause);
        }
    }

    /** Connections seen by an exchange already; weak, so that evicted connections are forgotten. */
    private final Set<Connection> used = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
    private final int maxRetries;

    /** For a pool that keeps up to {@code maxIdleConnections} connections. */
    StaleConnections(int maxIdleConnections) {
        this.maxRetries = maxIdleConnections + 1;
    }

    /** The network interceptor: marks a failure on a connection used before. */
    Interceptor marking() {
        return chain -> {
            Connection connection = chain.connection();
            boolean reused = connection != null && !used.add(connection);
            try {
                return chain.proceed(chain.request());
            } catch (InterruptedIOException e) {
                throw e; // a timeout is the attempt's outcome
            } catch (IOException e) {
                throw reused ? new StaleConnectionException(e) : e;
            }
        };
    }

    /** The application interceptor: sends again after a marked failure. */
    Interceptor retrying() {
        return chain -> {
            for (int retries = 0; ; retries++) {
                try {
                    return chain.proceed(chain.request());
                } catch (StaleConnectionException e) {
                    if (retries == maxRetries || chain.call().isCanceled()) {
                        throw (IOException) e.getCause();
                    }
                }
            }
        };
    }
}
