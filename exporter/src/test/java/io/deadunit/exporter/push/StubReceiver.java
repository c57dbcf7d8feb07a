package io.deadunit.exporter.push;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.concurrent.Executors;

/**
 * A stand-in for what the exporter pushes to (a Pushgateway, an OTLP receiver): the JDK's HTTP server on a free
 * loopback port, each request handled on its own daemon thread (a handler may hold a request while others arrive).
 */
final class StubReceiver implements AutoCloseable {
    /** Sees each request with its whole body; the stub then answers 200 with no body. */
    interface Recorder {
        void record(HttpExchange exchange, byte[] body) throws IOException;
    }

    private final HttpServer server;

    private StubReceiver(HttpServer server) {
        this.server = server;
    }

    /** Runs {@code handler} for every request; it answers (or not) itself. */
    static StubReceiver start(HttpHandler handler) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setExecutor(Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "receiver-stand-in");
                t.setDaemon(true);
                return t;
            }));
            server.createContext("/", handler);
            server.start();
            return new StubReceiver(server);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Hands every request to {@code recorder}, then answers 200. */
    static StubReceiver answering200(Recorder recorder) {
        return start(exchange -> {
            recorder.record(exchange, exchange.getRequestBody().readAllBytes());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
    }

    /** A loopback port nothing listens on (it was bound a moment ago): connections to it are refused. */
    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** {@code http://127.0.0.1:<port>} */
    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
