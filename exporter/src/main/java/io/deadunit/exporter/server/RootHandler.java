package io.deadunit.exporter.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Serves everything outside {@code /metrics}: a plain-text index at {@code /}, the health answer at
 * {@code /-/healthy} and {@code /health}, and hands {@code /deadunits} to its handler when there is one (the
 * Prometheus server takes no extra contexts, so every other path lands here). Replaces the client's HTML page and
 * health handler, which log a JDK warning on every HEAD request.
 */
final class RootHandler implements HttpHandler {
    static final String INDEX_PATH = "/";
    private static final String INDEX_TEXT = "deadunit metrics endpoint\n"
            + MetricsEndpoint.METRICS_PATH + "  metrics (Prometheus text, or OpenMetrics when asked by Accept)\n"
            + MetricsEndpoint.HEALTH_PATH + "  health check (also " + MetricsEndpoint.HEALTH_ALIAS_PATH + ")\n";
    private static final byte[] HEALTHY = "Exporter is healthy.\n".getBytes(StandardCharsets.UTF_8);

    private final HttpHandler deadUnits;
    private final byte[] index;

    /** @param deadUnits serves {@code /deadunits}, or null when the endpoint has no such page */
    RootHandler(HttpHandler deadUnits) {
        this.deadUnits = deadUnits;
        this.index = (INDEX_TEXT + (deadUnits == null ? ""
                : MetricsEndpoint.DEADUNITS_PATH + "  which units are dead, dormant, saturated (JSON)\n"))
                .getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (deadUnits != null && MetricsEndpoint.DEADUNITS_PATH.equals(path)) {
            // Outside the try: a document cut short must not be closed as if it were complete.
            deadUnits.handle(exchange);
            return;
        }
        try {
            byte[] body;
            if (INDEX_PATH.equals(path)) {
                body = index;
            } else if (MetricsEndpoint.HEALTH_PATH.equals(path) || MetricsEndpoint.HEALTH_ALIAS_PATH.equals(path)) {
                body = HEALTHY;
            } else {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            if ("HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } finally {
            exchange.close();
        }
    }
}
