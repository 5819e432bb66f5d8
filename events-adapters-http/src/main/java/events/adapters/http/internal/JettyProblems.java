package events.adapters.http.internal;

import io.javalin.config.JavalinConfig;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error responses as RFC 7807 problems, like every other answer of the app: requests Jetty refuses
 * before any route sees them (a malformed request line or percent-encoding, an illegal character in the path, a
 * URI or header section over its limits). Jetty's default answers those with an HTML page.
 */
public final class JettyProblems extends ErrorHandler {

    private JettyProblems() {
    }

    /** Makes the Jetty server of this Javalin configuration answer its own errors with problems. */
    public static void register(JavalinConfig config) {
        JettyProblems handler = new JettyProblems();
        config.jetty.modifyServer(server -> server.setErrorHandler(handler));
    }

    /** For every method: Jetty's default writes no body for a PUT or DELETE it refuses. */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
            Callback callback) {
        Problems.Problem problem = code >= 500
                ? new Problems.Problem(code, "internal", title(code), "The server could not handle the request.")
                : new Problems.Problem(code, code == 404 ? "not-found" : code == 405 ? "method-not-allowed" : "http-" + code,
                        title(code), message == null || message.isBlank() ? title(code) : message);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problems.CONTENT_TYPE);
        response.write(true, ByteBuffer.wrap(Problems.toJson(problem, null)), callback);
    }

    private static String title(int code) {
        String reason = HttpStatus.getMessage(code);
        return reason == null ? "Error" : reason;
    }
}
