package io.deadunit.exporter.server;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One request and its answer on a socket of the {@link SocketServer}, behind the JDK's {@link HttpExchange} API so
 * that the Prometheus client's {@code MetricsHandler}, the {@link RequestGate} and our handlers run unchanged.
 * Every answer closes the connection ({@code Connection: close}): scrapes come seconds apart, and a connection that
 * ends with its answer cannot be held idle by a client. A body of unknown length ({@code sendResponseHeaders(code,
 * 0)}) is chunked for HTTP/1.1 (delimited by the close for HTTP/1.0), and ends only when the exchange is closed.
 */
final class SocketExchange extends HttpExchange {
    private static final InputStream NO_BODY = InputStream.nullInputStream();
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    private final RequestHead head;
    private final Socket socket;
    private final OutputStream out;
    private final Headers responseHeaders = new Headers();
    private final Map<String, Object> attributes = new HashMap<>();
    private OutputStream body;
    private int responseCode = -1;
    private HttpPrincipal principal;
    private boolean closed;

    SocketExchange(RequestHead head, Socket socket) throws IOException {
        this.head = head;
        this.socket = socket;
        this.out = new BufferedOutputStream(socket.getOutputStream(), 8192);
    }

    @Override
    public Headers getRequestHeaders() {
        return head.headers;
    }

    @Override
    public Headers getResponseHeaders() {
        return responseHeaders;
    }

    @Override
    public URI getRequestURI() {
        return head.uri;
    }

    @Override
    public String getRequestMethod() {
        return head.method;
    }

    /** There are no contexts: the {@link SocketServer} routes by exact path. */
    @Override
    public HttpContext getHttpContext() {
        return null;
    }

    @Override
    public InputStream getRequestBody() {
        return NO_BODY;
    }

    @Override
    public OutputStream getResponseBody() {
        if (body == null) {
            throw new IllegalStateException("sendResponseHeaders first");
        }
        return body;
    }

    /**
     * @param length the body's length; 0 for a body of unknown length, -1 for none (HEAD never has one)
     */
    @Override
    public void sendResponseHeaders(int code, long length) throws IOException {
        if (responseCode >= 0) {
            throw new IOException("headers already sent");
        }
        responseCode = code;
        boolean head = "HEAD".equals(this.head.method);
        StringBuilder h = new StringBuilder(256).append("HTTP/1.1 ").append(code).append(' ').append(reason(code))
                .append("\r\n");
        for (Map.Entry<String, List<String>> e : responseHeaders.entrySet()) {
            for (String value : e.getValue()) {
                h.append(e.getKey()).append(": ").append(value.replaceAll("[\r\n]", " ")).append("\r\n");
            }
        }
        boolean chunked = length == 0 && !head && "HTTP/1.1".equals(this.head.protocol);
        if (length > 0) {
            h.append("Content-Length: ").append(length).append("\r\n");
        } else if (length < 0 && !head) {
            h.append("Content-Length: 0\r\n");
        } else if (chunked) {
            h.append("Transfer-Encoding: chunked\r\n");
        }
        h.append("Connection: close\r\n\r\n");
        out.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (head || length < 0) {
            body = OutputStream.nullOutputStream();
        } else if (chunked) {
            body = new Chunked(out);
        } else {
            body = new FilterOutputStream(out) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    flush();
                }
            };
        }
    }

    /**
     * HTTP/1.1 chunked body: a body of unknown length whose end the client can tell from a cut connection. Only a
     * completed exchange ({@link #close}) writes the last chunk.
     */
    private static final class Chunked extends FilterOutputStream {
        private boolean ended;

        Chunked(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return;
            }
            out.write((Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(b, off, len);
            out.write(CRLF);
        }

        /** Flushes only: the handler closing its stream does not end the body; {@link #end} does. */
        @Override
        public void close() throws IOException {
            flush();
        }

        void end() throws IOException {
            if (!ended) {
                ended = true;
                out.write(LAST_CHUNK);
            }
        }
    }

    /** Sends what is buffered and ends the connection's output; the {@link SocketServer} closes the socket. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (responseCode < 0) {
                sendResponseHeaders(500, -1);
            }
            if (body instanceof Chunked) {
                ((Chunked) body).end();
            }
            out.flush();
            socket.shutdownOutput();
        } catch (IOException | RuntimeException e) {
            // The client went away or the deadline cut it off; nobody is left to tell.
        }
    }

    @Override
    public InetSocketAddress getRemoteAddress() {
        return (InetSocketAddress) socket.getRemoteSocketAddress();
    }

    @Override
    public int getResponseCode() {
        return responseCode;
    }

    @Override
    public InetSocketAddress getLocalAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    @Override
    public String getProtocol() {
        return head.protocol;
    }

    @Override
    public Object getAttribute(String name) {
        return attributes.get(name);
    }

    @Override
    public void setAttribute(String name, Object value) {
        attributes.put(name, value);
    }

    @Override
    public void setStreams(InputStream in, OutputStream out) {
        throw new UnsupportedOperationException("filters are not used");
    }

    @Override
    public HttpPrincipal getPrincipal() {
        return principal;
    }

    void setPrincipal(HttpPrincipal principal) {
        this.principal = principal;
    }

    private static String reason(int code) {
        switch (code) {
            case 200: return "OK";
            case 400: return "Bad Request";
            case 401: return "Unauthorized";
            case 404: return "Not Found";
            case 405: return "Method Not Allowed";
            case 406: return "Not Acceptable";
            case 431: return "Request Header Fields Too Large";
            case 500: return "Internal Server Error";
            case 503: return "Service Unavailable";
            default: return "Status";
        }
    }
}
