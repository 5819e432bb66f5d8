package events.adapters.http.internal;

import events.domain.InvalidEventException;
import events.domain.Violation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a request body up to a limit, whatever its framing (Content-Length or chunked): it stops and fails
 * with {@link PayloadTooLargeException} as soon as one byte more than the limit has arrived, so an oversized
 * body is never buffered whole. Javalin's own {@code maxRequestSize} does not apply because the servlet
 * stream is read directly.
 */
final class BodyReader {
    /**
     * Of a body over the limit, up to this many bytes are read and dropped before the 413 is sent: a client
     * still writing its body when the server answers and closes would otherwise see a reset connection
     * instead of the 413. Bodies larger than this are cut off.
     */
    static final long MAX_DRAIN = 8L * 1024 * 1024;

    private BodyReader() {
    }

    static byte[] read(InputStream in, long declaredLength, int limit, String what) {
        if (declaredLength > limit) {
            drain(in, declaredLength);
            throw tooLarge(what, limit);
        }
        try {
            if (declaredLength >= 0) {
                // The server frames the body by Content-Length: exactly this many bytes can arrive.
                byte[] body = in.readNBytes((int) declaredLength);
                if (body.length < declaredLength) {
                    throw incomplete();
                }
                return body;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
            byte[] buffer = new byte[8192];
            long total = 0;
            int n;
            while ((n = in.read(buffer)) != -1) {
                total += n;
                if (total > limit) {
                    drain(in, MAX_DRAIN - total);
                    throw tooLarge(what, limit);
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw incomplete();
        }
    }

    /** Reads and drops up to {@code max} bytes (at most {@link #MAX_DRAIN}) of what the client still sends. */
    private static void drain(InputStream in, long max) {
        try {
            long left = Math.min(max, MAX_DRAIN);
            byte[] buffer = new byte[8192];
            int n;
            while (left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) != -1) {
                left -= n;
            }
        } catch (IOException e) {
            // the client went away: nothing to answer
        }
    }

    private static InvalidEventException incomplete() {
        return new InvalidEventException(new Violation("body", "could not be read completely"));
    }

    private static PayloadTooLargeException tooLarge(String what, int limit) {
        return new PayloadTooLargeException(what + " is larger than the limit of " + limit + " bytes");
    }
}
