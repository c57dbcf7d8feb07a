package io.deadunit.exporter.server;

import io.deadunit.exporter.health.AgentThreads;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

/**
 * The endpoint's own accept loop, in place of the JDK server the Prometheus client builds on. That server reads
 * request headers and runs the TLS handshake on its few worker threads with no time limit unless the JVM-wide
 * {@code sun.net.httpserver.*} properties are set (which would change every other JDK server in the trainer), so a
 * handful of slow clients stalled {@code /-/healthy}. Here:
 * <ul>
 *   <li>each connection gets its own small daemon thread, so a slow one holds up nobody else;</li>
 *   <li>a connection must complete its TLS handshake and request head within {@link #HEAD_TIMEOUT_MILLIS} of being
 *       accepted, and receive its whole answer within {@link #EXCHANGE_TIMEOUT_MILLIS}; the accept thread closes
 *       it otherwise (checked every {@link #CHECK_MILLIS});</li>
 *   <li>at most {@link #MAX_CONNECTIONS} connections are open; beyond that the oldest one still sending its head
 *       is closed to make room, so a flood of half-open connections cannot lock out a health probe;</li>
 *   <li>memory is bounded: per connection one thread of {@link #STACK_BYTES} stack and {@link RequestHead#MAX_BYTES}
 *       of head.</li>
 * </ul>
 * The work itself is bounded by the {@link Router}. TLS is pinned to 1.3 and 1.2.
 */
final class SocketServer implements AutoCloseable {
    static final int MAX_CONNECTIONS = 256;
    static final long HEAD_TIMEOUT_MILLIS = 5_000;
    static final long EXCHANGE_TIMEOUT_MILLIS = 30_000;
    static final int CHECK_MILLIS = 200;
    static final long STACK_BYTES = 256 * 1024;
    static final String[] TLS_PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    private static final int BACKLOG = 128;
    private static final long LINGER_MILLIS = 500;

    private final ServerSocket listener;
    private final Router router;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger threadCount = new AtomicInteger();
    private final Thread acceptor;
    private volatile boolean closed;

    private SocketServer(ServerSocket listener, Router router) {
        this.listener = listener;
        this.router = router;
        this.acceptor = AgentThreads.daemon(this::acceptLoop, "deadunit-http-accept");
    }

    /**
     * Binds {@code address} and starts accepting.
     *
     * @param tls null for plain HTTP
     */
    static SocketServer start(InetSocketAddress address, SSLContext tls, Router router) throws IOException {
        if (address.isUnresolved()) {
            throw new UnresolvedAddressException();
        }
        ServerSocket listener = tls == null ? new ServerSocket() : tls.getServerSocketFactory().createServerSocket();
        try {
            if (listener instanceof SSLServerSocket) {
                SSLServerSocket secure = (SSLServerSocket) listener;
                Set<String> supported = Set.of(secure.getSupportedProtocols());
                secure.setEnabledProtocols(Arrays.stream(TLS_PROTOCOLS).filter(supported::contains)
                        .toArray(String[]::new));
            }
            listener.bind(address, BACKLOG);
            listener.setSoTimeout(CHECK_MILLIS);
        } catch (IOException | RuntimeException e) {
            listener.close();
            throw e;
        }
        SocketServer server = new SocketServer(listener, router);
        server.acceptor.start();
        return server;
    }

    int port() {
        return listener.getLocalPort();
    }

    int openConnections() {
        return connections.size();
    }

    /** Stops accepting and cuts every open connection; returns without waiting for handlers still running. */
    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Connection c : connections) {
            c.abort();
        }
        connections.clear();
        try {
            acceptor.join(CHECK_MILLIS * 2L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                admit(listener.accept());
            } catch (SocketTimeoutException e) {
                // time to check the deadlines
            } catch (IOException | RuntimeException e) {
                if (closed) {
                    return;
                }
                pause(); // e.g. out of file descriptors: let some connections end first
            } catch (Error e) {
                // Out of memory or threads: refuse this connection, keep the endpoint.
                pause();
            }
            expire(System.nanoTime());
        }
    }

    private void admit(Socket socket) {
        if (connections.size() >= MAX_CONNECTIONS && !evictOldestInHead()) {
            closeQuietly(socket);
            return;
        }
        Connection connection = new Connection(socket, System.nanoTime());
        connections.add(connection);
        try {
            AgentThreads.daemon(connection, "deadunit-http-conn-" + threadCount.incrementAndGet(), STACK_BYTES)
                    .start();
        } catch (Error | RuntimeException e) {
            connections.remove(connection);
            connection.abort();
        }
    }

    private boolean evictOldestInHead() {
        Connection oldest = null;
        for (Connection c : connections) {
            if (c.inHead && (oldest == null || c.acceptedAt < oldest.acceptedAt)) {
                oldest = c;
            }
        }
        if (oldest == null) {
            return false;
        }
        connections.remove(oldest);
        oldest.abort();
        return true;
    }

    private void expire(long now) {
        for (Connection c : connections) {
            long limit = c.inHead ? HEAD_TIMEOUT_MILLIS : EXCHANGE_TIMEOUT_MILLIS;
            if (now - c.acceptedAt > limit * 1_000_000L) {
                connections.remove(c);
                c.abort();
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    /** One accepted connection: reads one request head, has it answered, closes. */
    private final class Connection implements Runnable {
        final Socket socket;
        final long acceptedAt;
        volatile boolean inHead = true;

        Connection(Socket socket, long acceptedAt) {
            this.socket = socket;
            this.acceptedAt = acceptedAt;
        }

        @Override
        public void run() {
            try {
                socket.setTcpNoDelay(true);
                // Belt and braces: the accept thread enforces the deadline, this ends a read that is simply stuck.
                socket.setSoTimeout((int) HEAD_TIMEOUT_MILLIS);
                InputStream in = new BufferedInputStream(socket.getInputStream(), 1024);
                RequestHead head;
                try {
                    head = RequestHead.read(in); // the TLS handshake happens on this first read
                } catch (RequestHead.Malformed m) {
                    inHead = false;
                    SocketExchange refusal = new SocketExchange(RequestHead.parse("GET / HTTP/1.1\r\n"), socket);
                    refusal.sendResponseHeaders(m.status, -1);
                    refusal.close();
                    linger(in);
                    return;
                }
                if (head == null) {
                    return;
                }
                inHead = false;
                SocketExchange exchange = new SocketExchange(head, socket);
                // Closed (answer completed) only when the handler returns; a handler that throws leaves the answer
                // cut, and the socket is closed below without ending it.
                router.serve(exchange);
                exchange.close();
                linger(in);
            } catch (IOException | RuntimeException e) {
                // The client went away, sent garbage or ran out of time: nothing to report, nobody to tell.
            } finally {
                connections.remove(this);
                closeQuietly(socket);
            }
        }

        /**
         * Reads what the client still sends (e.g. a body we did not want) until it closes, briefly: closing with
         * unread input makes the kernel send a reset, which can destroy the answer before the client reads it.
         */
        private void linger(InputStream in) throws IOException {
            socket.setSoTimeout((int) LINGER_MILLIS);
            byte[] sink = new byte[1024];
            long until = System.nanoTime() + LINGER_MILLIS * 1_000_000L;
            while (System.nanoTime() < until && in.read(sink) >= 0) {
                // discard
            }
        }

        void abort() {
            closeQuietly(socket);
        }
    }
}
