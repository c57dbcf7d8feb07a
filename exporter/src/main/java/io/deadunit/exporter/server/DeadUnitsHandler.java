package io.deadunit.exporter.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * Serves {@code /deadunits}: which units are dead, dormant or saturated, as JSON. The {@link RequestGate} has
 * already checked method, credentials and path. The only query parameters are {@code model} and {@code layer}
 * (exact names); anything else is a 400, so a typo does not silently return everything. The document is streamed,
 * gzip-compressed when the client accepts it; its size is bounded by the report's byte budget. A failure cuts the
 * connection and never shows a stack trace.
 */
final class DeadUnitsHandler implements HttpHandler {
    static final String CONTENT_TYPE = "application/json";
    private static final byte[] BAD_QUERY = "{\"error\":\"accepted query parameters: model, layer\"}\n"
            .getBytes(StandardCharsets.UTF_8);

    private static final int BUFFER_BYTES = 16 * 1024;

    private final DeadUnitsSource source;

    DeadUnitsHandler(DeadUnitsSource source) {
        this.source = source;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        // The document changes with every window; a cached copy would show units that have since recovered.
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("Vary", "Accept-Encoding");
        String[] filter;
        try {
            filter = filter(exchange.getRequestURI().getRawQuery());
        } catch (IllegalArgumentException e) {
            send(exchange, 400, BAD_QUERY);
            return;
        }
        if ("HEAD".equals(exchange.getRequestMethod())) {
            send(exchange, 200, null);
            return;
        }
        boolean gzip = acceptsGzip(exchange.getRequestHeaders().get("Accept-Encoding"));
        // Streamed (chunked): written as it is rendered, never held whole. Headers go out with the first bytes,
        // so a source that fails early still gets a clean 500.
        StartsOnFirstWrite started = new StartsOnFirstWrite(exchange, gzip);
        try {
            OutputStream body = gzip ? new GZIPOutputStream(started, BUFFER_BYTES) : started;
            Writer writer = new BufferedWriter(new OutputStreamWriter(body, StandardCharsets.UTF_8), BUFFER_BYTES);
            source.write(filter[0], filter[1], writer);
            writer.close();
        } catch (RuntimeException | IOException e) {
            if (started.started) {
                // Half a document sent: leave without closing the exchange, which cuts the connection before the
                // last chunk, so the client sees an error rather than a short document.
                throw new IOException("document cut short", e);
            }
            // The source reports its own failures; the client learns only that there is no document.
            exchange.getResponseHeaders().remove("Content-Type");
            exchange.sendResponseHeaders(500, -1);
        }
        exchange.close();
    }

    /** Sends the 200 headers before the first byte of the body; {@code started} says whether it happened. */
    private static final class StartsOnFirstWrite extends OutputStream {
        private final HttpExchange exchange;
        private final boolean gzip;
        private OutputStream body;
        boolean started;

        StartsOnFirstWrite(HttpExchange exchange, boolean gzip) {
            this.exchange = exchange;
            this.gzip = gzip;
        }

        private OutputStream body() throws IOException {
            if (body == null) {
                started = true;
                if (gzip) {
                    exchange.getResponseHeaders().set("Content-Encoding", "gzip");
                }
                exchange.sendResponseHeaders(200, 0);
                body = exchange.getResponseBody();
            }
            return body;
        }

        @Override
        public void write(int b) throws IOException {
            body().write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            body().write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            if (body != null) {
                body.flush();
            }
        }

        @Override
        public void close() throws IOException {
            body().close();
        }
    }

    /** {@code gzip} listed in Accept-Encoding with a q-value other than 0. */
    static boolean acceptsGzip(List<String> acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String header : acceptEncoding) {
            for (String coding : header.split(",")) {
                String[] parts = coding.strip().split(";");
                if (parts[0].strip().equalsIgnoreCase("gzip")) {
                    return parts.length < 2 || !parts[1].replace(" ", "").matches("(?i)q=0(\\.0*)?");
                }
            }
        }
        return false;
    }

    /** {@code {model, layer}} from the raw query, each null when absent; the last of repeated parameters wins. */
    static String[] filter(String rawQuery) {
        String[] filter = new String[2];
        if (rawQuery == null || rawQuery.isEmpty()) {
            return filter;
        }
        for (String pair : rawQuery.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            // Throws IllegalArgumentException on a malformed %-escape.
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if ("model".equals(key)) {
                filter[0] = value;
            } else if ("layer".equals(key)) {
                filter[1] = value;
            } else {
                throw new IllegalArgumentException("unknown query parameter");
            }
        }
        return filter;
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        if ("HEAD".equals(exchange.getRequestMethod())) {
            exchange.sendResponseHeaders(status, -1);
        } else {
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
        exchange.close();
    }
}
