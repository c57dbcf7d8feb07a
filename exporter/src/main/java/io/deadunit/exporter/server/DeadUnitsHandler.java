package io.deadunit.exporter.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Serves {@code /deadunits}: which units are dead, dormant or saturated, as JSON. The {@link RequestGate} has
 * already checked method, credentials and path. The only query parameters are {@code model} and {@code layer}
 * (exact names); anything else is a 400, so a typo does not silently return everything. Failures answer with a
 * status and a fixed message, never a stack trace.
 */
final class DeadUnitsHandler implements HttpHandler {
    static final String CONTENT_TYPE = "application/json";
    private static final byte[] BAD_QUERY = "{\"error\":\"accepted query parameters: model, layer\"}\n"
            .getBytes(StandardCharsets.UTF_8);

    private final DeadUnitsSource source;

    DeadUnitsHandler(DeadUnitsSource source) {
        this.source = source;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try {
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            // The document changes with every window; a cached copy would show units that have since recovered.
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
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
            byte[] body;
            try {
                body = source.json(filter[0], filter[1]).getBytes(StandardCharsets.UTF_8);
            } catch (RuntimeException e) {
                // The source reports its own failures; the client learns only that there is no document.
                exchange.getResponseHeaders().remove("Content-Type");
                exchange.sendResponseHeaders(500, -1);
                return;
            }
            send(exchange, 200, body);
        } finally {
            exchange.close();
        }
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
            // A length with HEAD makes the JDK server log a warning per request.
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
