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
                    throw tooLarge(what, limit);
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw incomplete();
        }
    }

    private static InvalidEventException incomplete() {
        return new InvalidEventException(new Violation("body", "could not be read completely"));
    }

    private static PayloadTooLargeException tooLarge(String what, int limit) {
        return new PayloadTooLargeException(what + " is larger than the limit of " + limit + " bytes");
    }
}
