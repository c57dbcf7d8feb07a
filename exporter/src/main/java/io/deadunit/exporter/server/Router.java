package io.deadunit.exporter.server;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Sends one request through the {@link RequestGate} to its handler. Paths that do real work ({@code /metrics},
 * {@code /deadunits}) run at most {@link #BUSY_HANDLERS} at a time, so scrapers never compete with training for
 * more than a core or two however many connect; a request that cannot get a turn in time gets 503. Health and the
 * index are constant answers and never wait behind a scrape.
 */
final class Router {
    static final int BUSY_HANDLERS = 2;
    private static final long TURN_WAIT_MILLIS = 10_000;

    private final Authenticator gate;
    private final HttpHandler metrics;
    private final HttpHandler root;
    private final Set<String> busyPaths;
    private final Semaphore turns = new Semaphore(BUSY_HANDLERS, true);

    Router(Authenticator gate, HttpHandler metrics, HttpHandler root, Set<String> busyPaths) {
        this.gate = gate;
        this.metrics = metrics;
        this.root = root;
        this.busyPaths = Set.copyOf(busyPaths);
    }

    void serve(SocketExchange exchange) throws IOException {
        Authenticator.Result result = gate.authenticate(exchange);
        if (result instanceof Authenticator.Failure) {
            exchange.sendResponseHeaders(((Authenticator.Failure) result).getResponseCode(), -1);
            return;
        }
        if (result instanceof Authenticator.Retry) {
            exchange.sendResponseHeaders(((Authenticator.Retry) result).getResponseCode(), -1);
            return;
        }
        exchange.setPrincipal(((Authenticator.Success) result).getPrincipal());
        String path = exchange.getRequestURI().getPath();
        HttpHandler handler = MetricsEndpoint.METRICS_PATH.equals(path) ? metrics : root;
        if (!busyPaths.contains(path)) {
            handler.handle(exchange);
            return;
        }
        boolean turn;
        try {
            turn = turns.tryAcquire(TURN_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (!turn) {
            exchange.getResponseHeaders().set("Retry-After", "5");
            exchange.sendResponseHeaders(503, -1);
            return;
        }
        try {
            handler.handle(exchange);
        } finally {
            turns.release();
        }
    }
}
