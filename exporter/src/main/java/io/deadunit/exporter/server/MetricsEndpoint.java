package io.deadunit.exporter.server;

import com.sun.net.httpserver.Authenticator;
import io.deadunit.exporter.config.AgentConfig;
import io.deadunit.exporter.config.PortRange;
import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.exporter.httpserver.HttpErrorHandlingPolicy;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.channels.UnresolvedAddressException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;

/**
 * The HTTP endpoint Prometheus scrapes: {@code /metrics} (Prometheus text, or OpenMetrics when the Accept header
 * asks for it), {@code /-/healthy} and {@code /health} (200 while the endpoint runs) and a plain-text index at
 * {@code /}, plus {@code /deadunits} (JSON, which units) when given a source. Only GET and HEAD are answered;
 * other paths get 404. Optional basic auth ({@code user} +
 * {@code passwordFile}) and TLS ({@code keystore} + {@code keystorePasswordFile}) cover every path.
 *
 * <p>Served by our own {@link SocketServer} (slow clients time out, health never waits behind them) with the
 * Prometheus client's {@code MetricsHandler} for {@code /metrics}; the client's {@code HTTPServer} is not used,
 * so its JVM-wide {@code sun.net.httpserver.maxReqTime}/{@code maxRspTime} defaults are never set. All threads are
 * daemons, so a trainer under the agent exits when {@code main} returns.
 */
public final class MetricsEndpoint implements AutoCloseable {
    public static final String METRICS_PATH = "/metrics";
    /** The Prometheus client's health path. */
    public static final String HEALTH_PATH = "/-/healthy";
    public static final String HEALTH_ALIAS_PATH = "/health";
    public static final String DEADUNITS_PATH = "/deadunits";

    private final SocketServer server;
    private final String baseUrl;
    private final List<String> warnings;
    private final AtomicBoolean closed = new AtomicBoolean();

    private MetricsEndpoint(SocketServer server, String scheme, AgentConfig config) {
        this.server = server;
        this.warnings = EndpointWarnings.of(config);
        String host = config.host();
        this.baseUrl = scheme + "://" + hostPort(host, server.port());
    }

    /**
     * Binds {@code config.host()} on the first free port of {@code config.portRange()} and starts serving
     * {@code registry}.
     *
     * @throws IOException with a one-sentence message (no "deadunit:" prefix) naming the address and the key to
     *                     change, when the port is taken, the host cannot be bound, a secret file cannot be read,
     *                     or only half of a security pair is configured
     */
    public static MetricsEndpoint start(AgentConfig config, PrometheusRegistry registry) throws IOException {
        return start(config, registry, null);
    }

    /**
     * Like {@link #start(AgentConfig, PrometheusRegistry)}, also serving {@code /deadunits} from {@code deadUnits}
     * behind the same gate (methods, credentials, TLS).
     *
     * @param deadUnits the JSON behind {@code /deadunits}, or null to serve no such path (404)
     */
    public static MetricsEndpoint start(AgentConfig config, PrometheusRegistry registry, DeadUnitsSource deadUnits)
            throws IOException {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(registry, "registry");
        // Fail closed: any security key given (even one whose value was refused) means exactly that protection or
        // nothing; never plain HTTP because a keystore was missing.
        Optional<String> refusal = config.endpointRefusal();
        if (refusal.isPresent()) {
            throw new IOException(refusal.get() + ".");
        }
        Authenticator credentials = config.basicAuth() ? passwordCheck(config) : null;
        SSLContext tls = config.tls()
                ? TlsConfigurator.create(config.keystore().get(), config.keystorePasswordFile().get()) : null;
        Set<String> extraPaths = deadUnits == null ? Set.of() : Set.of(DEADUNITS_PATH);
        // Empty properties: the application's own io.prometheus.* settings must not leak into the agent's endpoint.
        MetricsHandler metrics = new MetricsHandler(PrometheusProperties.builder().build(), registry,
                HttpErrorHandlingPolicy.builder().unsafeDebugResponse(false)
                        .errorReporter(new ScrapeErrorReporter()).build());
        Router router = new Router(new RequestGate(credentials, extraPaths), metrics,
                new RootHandler(deadUnits == null ? null : new DeadUnitsHandler(deadUnits)),
                deadUnits == null ? Set.of(METRICS_PATH) : Set.of(METRICS_PATH, DEADUNITS_PATH));
        PortRange ports = config.portRange();
        for (int port = ports.first(); ; port++) {
            try {
                SocketServer server = SocketServer.start(new InetSocketAddress(config.host(), port), tls, router);
                return new MetricsEndpoint(server, tls != null ? "https" : "http", config);
            } catch (IOException | RuntimeException e) {
                if (port < ports.last() && inUse(e)) {
                    continue; // a range: the next port may be free
                }
                throw startFailure(config, port, e);
            }
        }
    }

    /**
     * Lines for the operator, each starting {@code deadunit:}: the endpoint is reachable from other machines
     * without TLS or auth, a password file is readable by other users. Print them once.
     */
    public List<String> warnings() {
        return warnings;
    }

    private static boolean inUse(Exception e) {
        String reason = e.getMessage();
        return e instanceof BindException && reason != null && reason.toLowerCase(Locale.ROOT).contains("in use");
    }

    /** The bound port; differs from the configured one when that was 0. */
    public int port() {
        return server.port();
    }

    /** Connections open right now (for tests: never more than the server's limit). */
    int openConnections() {
        return server.openConnections();
    }

    /** E.g. {@code http://127.0.0.1:9404/metrics}. */
    public String url() {
        return baseUrl + METRICS_PATH;
    }

    public String healthUrl() {
        return baseUrl + HEALTH_PATH;
    }

    /** E.g. {@code http://127.0.0.1:9404/deadunits}; served only when started with a source. */
    public String deadUnitsUrl() {
        return baseUrl + DEADUNITS_PATH;
    }

    /** Stops serving and frees the port at once; requests in flight are cut. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.close();
    }

    private static PasswordCheck passwordCheck(AgentConfig config) throws IOException {
        char[] password = Secrets.read(config.passwordFile().get(), "passwordFile");
        try {
            return new PasswordCheck(config.user().get(), password);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private static IOException startFailure(AgentConfig config, int port, Exception e) {
        String address = hostPort(config.host(), port);
        String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String message;
        if (inUse(e) && config.portRange().isRange()) {
            message = "no free port in " + config.portRange() + " on " + config.host()
                    + "; widen the range or use port=0 (any free port).";
        } else if (inUse(e)) {
            message = address + " is already in use; choose another port with port=<n> (port=0 picks a free one).";
        } else if (e instanceof UnresolvedAddressException) {
            message = "cannot listen on " + address + " because host " + config.host()
                    + " does not resolve; check the host= key.";
        } else {
            message = "cannot listen on " + address + " (" + reason + "); check the host= and port= keys.";
        }
        return new IOException(message, e);
    }

    private static String hostPort(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
