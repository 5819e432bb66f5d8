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
    private BodyReader() {
    }

    static byte[] read(InputStream in, long declaredLength, int limit, String what) {
        if (declaredLength > limit) {
            throw tooLarge(what, limit);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(
                (int) Math.min(limit, declaredLength > 0 ? declaredLength : 8192));
        byte[] buffer = new byte[16384];
        long total = 0;
        try {
            int n;
            while ((n = in.read(buffer)) != -1) {
                total += n;
                if (total > limit) {
                    throw tooLarge(what, limit);
                }
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new InvalidEventException(new Violation("body", "could not be read completely"));
        }
        return out.toByteArray();
    }

    private static PayloadTooLargeException tooLarge(String what, int limit) {
        return new PayloadTooLargeException(what + " is larger than the limit of " + limit + " bytes");
    }
}
