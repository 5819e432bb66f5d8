package events.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal HTTP/1.1 client on a plain socket, one connection per request, for tests that must send what
 * {@code java.net.http} refuses to: invalid percent-encodings and raw bytes in the request target, repeated or
 * odd header values. The request line and headers are written as ISO-8859-1, so a char from U+0080 to U+00FF is
 * that raw byte on the wire.
 */
final class RawHttp {
    private final int port;

    RawHttp(int port) {
        this.port = port;
    }

    /** A request as it goes on the wire (the Host, Connection and Content-Length headers are added). */
    record Request(String method, String target, List<String[]> headers, byte[] body) {
        Request {
            headers = List.copyOf(headers);
        }

        /** The request as readable text for an assertion message: non-printable and non-ASCII chars escaped. */
        String describe() {
            StringBuilder s = new StringBuilder(method).append(' ').append(escape(target, 1500));
            for (String[] h : headers) {
                String value = h[0].equalsIgnoreCase("Authorization") ? "Bearer <token>" : escape(h[1], 300);
                s.append("\n  ").append(h[0]).append(": ").append(value);
            }
            if (body != null) {
                s.append("\n  body (").append(body.length).append(" bytes): ")
                        .append(escape(new String(body, UTF_8), 3000));
            }
            return s.toString();
        }
    }

    /** A response: status, headers (names in lower case), body (de-chunked). */
    record Response(int status, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : values.get(0);
        }

        String text() {
            return new String(body, UTF_8);
        }

        String describe() {
            return status + " " + headers.getOrDefault("content-type", List.of()) + " " + escape(text(), 1500);
        }
    }

    Response send(Request request) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(60_000);
            StringBuilder head = new StringBuilder(request.method()).append(' ').append(request.target())
                    .append(" HTTP/1.1\r\nHost: localhost:").append(port).append("\r\nConnection: close\r\n");
            for (String[] h : request.headers()) {
                head.append(h[0]).append(": ").append(h[1]).append("\r\n");
            }
            if (request.body() != null) {
                head.append("Content-Length: ").append(request.body().length).append("\r\n");
            }
            head.append("\r\n");
            OutputStream out = socket.getOutputStream();
            try {
                out.write(head.toString().getBytes(ISO_8859_1));
                if (request.body() != null) {
                    out.write(request.body());
                }
                out.flush();
            } catch (IOException answeredEarly) {
                // The server may answer (413, 400) and close before it read the whole request; read that answer.
            }
            return parse(readAll(socket.getInputStream()), request);
        } catch (IOException e) {
            throw new UncheckedIOException("no answer to " + request.describe(), e);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[16384];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                all.write(buffer, 0, n);
            }
        } catch (IOException reset) {
            if (all.size() == 0) {
                throw reset;
            }
            // a reset after the answer arrived (the server closed with request bytes unread)
        }
        return all.toByteArray();
    }

    private static Response parse(byte[] bytes, Request request) {
        int end = indexOf(bytes, "\r\n\r\n".getBytes(ISO_8859_1), 0);
        if (end < 0) {
            throw new AssertionError("no complete response head (" + bytes.length + " bytes: "
                    + escape(new String(bytes, ISO_8859_1), 500) + ") to " + request.describe());
        }
        String[] lines = new String(bytes, 0, end, ISO_8859_1).split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        int status = Integer.parseInt(statusLine[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(lines[i].substring(colon + 1).trim());
        }
        byte[] body = Arrays.copyOfRange(bytes, end + 4, bytes.length);
        List<String> encoding = headers.get("transfer-encoding");
        if (encoding != null && encoding.get(0).equalsIgnoreCase("chunked")) {
            body = dechunk(body);
        } else if (headers.containsKey("content-length")) {
            body = Arrays.copyOf(body, Math.min(body.length, Integer.parseInt(headers.get("content-length").get(0))));
        }
        return new Response(status, headers, body);
    }

    private static byte[] dechunk(byte[] chunked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < chunked.length) {
            int lineEnd = indexOf(chunked, "\r\n".getBytes(ISO_8859_1), at);
            String sizeText = new String(chunked, at, lineEnd - at, ISO_8859_1);
            int semicolon = sizeText.indexOf(';');
            int size = Integer.parseInt((semicolon < 0 ? sizeText : sizeText.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                break;
            }
            out.write(chunked, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** {@code text} with controls, non-ASCII and surrogates as {@code \\uXXXX}, cut after {@code max} chars. */
    static String escape(String text, int max) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < text.length() && i < max; i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c >= 0x7f) {
                s.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                s.append(c);
            }
        }
        if (text.length() > max) {
            s.append("… (").append(text.length()).append(" chars)");
        }
        return s.toString();
    }
}
