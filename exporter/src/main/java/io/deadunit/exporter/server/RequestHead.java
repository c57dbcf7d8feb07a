package io.deadunit.exporter.server;

import com.sun.net.httpserver.Headers;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;

/**
 * The request line and headers of one HTTP/1.x request, read with a hard size limit. The endpoint answers only
 * GET and HEAD, which carry no body, so the head is all it ever reads from a client.
 */
final class RequestHead {
    /** A request head larger than this is refused (431): the endpoint's requests are a line and a few headers. */
    static final int MAX_BYTES = 8192;
    private static final int MAX_HEADERS = 100;
    private static final String BASE = "http://endpoint";

    final String method;
    final URI uri;
    final String protocol;
    final Headers headers;

    private RequestHead(String method, URI uri, String protocol, Headers headers) {
        this.method = method;
        this.uri = uri;
        this.protocol = protocol;
        this.headers = headers;
    }

    /** Thrown for a head the endpoint will not serve; {@link #status} is the answer to send. */
    static final class Malformed extends IOException {
        private static final long serialVersionUID = 1L;
        final int status;

        Malformed(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    /**
     * Reads up to the blank line that ends the head.
     *
     * @return the head, or null when the client closed the connection before sending a byte
     * @throws Malformed   when the head is not HTTP/1.x or is too large
     * @throws IOException when the connection fails or is closed mid-head (e.g. by the endpoint's deadline)
     */
    static RequestHead read(InputStream in) throws IOException {
        byte[] bytes = new byte[MAX_BYTES];
        int length = 0;
        int b;
        while (true) {
            b = in.read();
            if (b < 0) {
                if (length == 0) {
                    return null;
                }
                throw new IOException("connection closed inside the request head");
            }
            if (length == MAX_BYTES) {
                throw new Malformed(431, "request head larger than " + MAX_BYTES + " bytes");
            }
            bytes[length++] = (byte) b;
            if (b == '\n' && endsWithBlankLine(bytes, length)) {
                break;
            }
        }
        return parse(new String(bytes, 0, length, StandardCharsets.ISO_8859_1));
    }

    private static boolean endsWithBlankLine(byte[] bytes, int length) {
        return (length >= 2 && bytes[length - 2] == '\n')
                || (length >= 3 && bytes[length - 2] == '\r' && bytes[length - 3] == '\n');
    }

    static RequestHead parse(String head) throws Malformed {
        String[] lines = head.split("\r?\n");
        if (lines.length == 0 || lines[0].isEmpty()) {
            throw new Malformed(400, "empty request line");
        }
        String[] requestLine = lines[0].split(" ", -1);
        if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.") || requestLine[0].isEmpty()) {
            throw new Malformed(400, "not an HTTP/1.x request line");
        }
        String target = requestLine[1];
        if (!target.startsWith("/")) {
            throw new Malformed(400, "request target is not a path");
        }
        URI uri;
        try {
            // Resolved against a fixed authority so that a target such as "//metrics" stays a path (and gets a
            // 404) instead of parsing as a host name.
            uri = new URI(BASE + target);
        } catch (URISyntaxException e) {
            throw new Malformed(400, "bad request target");
        }
        Headers headers = new Headers();
        if (lines.length - 1 > MAX_HEADERS) {
            throw new Malformed(431, "too many headers");
        }
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                throw new Malformed(400, "bad header line");
            }
            headers.add(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
        }
        return new RequestHead(requestLine[0], uri, requestLine[2], headers);
    }
}
