package io.deadunit.exporter.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Serves everything outside {@code /metrics}: a plain-text index at {@code /} and the health answer at
 * {@code /-/healthy} and {@code /health}. Replaces the client's HTML page and health handler, which log a JDK
 * warning on every HEAD request.
 */
final class RootHandler implements HttpHandler {
    static final String INDEX_PATH = "/";
    private static final byte[] INDEX = ("deadunit metrics endpoint\n"
            + MetricsEndpoint.METRICS_PATH + "  metrics (Prometheus text, or OpenMetrics when asked by Accept)\n"
            + MetricsEndpoint.HEALTH_PATH + "  health check (also " + MetricsEndpoint.HEALTH_ALIAS_PATH + ")\n")
            .getBytes(StandardCharsets.UTF_8);
    private static final byte[] HEALTHY = "Exporter is healthy.\n".getBytes(StandardCharsets.UTF_8);

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getPath();
            byte[] body;
            if (INDEX_PATH.equals(path)) {
                body = INDEX;
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
