package events.adapters.http.internal;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error answers, to requests it refuses before the API sees them, as RFC 7807 problem+json like
 * every other error of the API instead of Jetty's HTML page: a bad request line or header, a bad or NUL
 * percent-encoding or an ambiguous segment in the path (400), a URI too long (414), a header section too large
 * (431), an unknown HTTP version (505). The detail is this class's own text for the status: nothing of the refused
 * request (its URI, its headers, Jetty's reason naming an illegal character) is echoed, and nothing is logged.
 */
public final class JettyErrors extends ErrorHandler {
    private final int maxHeaderBytes;

    /** @param maxHeaderBytes the request header size the connectors allow, named in 414 and 431 answers */
    public JettyErrors(int maxHeaderBytes) {
        this.maxHeaderBytes = maxHeaderBytes;
    }

    /** Every method gets the problem body (Jetty's default gives one to GET, POST and HEAD only). */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
            Callback callback) {
        byte[] body = Problems.toJson(Problems.refusedByServer(code, maxHeaderBytes), null);
        response.setStatus(code);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problems.CONTENT_TYPE);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}
