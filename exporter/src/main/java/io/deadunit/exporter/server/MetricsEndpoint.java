package io.deadunit.exporter.server;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.HttpsConfigurator;
import io.deadunit.exporter.config.AgentConfig;
import io.deadunit.exporter.config.PortRange;
import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.exporter.httpserver.HttpErrorHandlingPolicy;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;
import java.net.BindException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The HTTP endpoint Prometheus scrapes: {@code /metrics} (Prometheus text, or OpenMetrics when the Accept header
 * asks for it), {@code /-/healthy} and {@code /health} (200 while the endpoint runs) and a plain-text index at
 * {@code /}, plus {@code /deadunits} (JSON, which units) when given a source. Only GET and HEAD are answered;
 * other paths get 404. Optional basic auth ({@code user} +
 * {@code passwordFile}) and TLS ({@code keystore} + {@code keystorePasswordFile}) cover every path.
 *
 * <p>All its threads are daemons, so a trainer under the agent exits when {@code main} returns.
 */
public final class MetricsEndpoint implements AutoCloseable {
    public static final String METRICS_PATH = "/metrics";
    /** The Prometheus client's health path. */
    public static final String HEALTH_PATH = "/-/healthy";
    public static final String HEALTH_ALIAS_PATH = "/health";
    public static final String DEADUNITS_PATH = "/deadunits";
    private static final long CLOSE_WAIT_MILLIS = 500;

    private final HTTPServer server;
    private final ExecutorService executor;
    private final String baseUrl;
    private final AtomicBoolean closed = new AtomicBoolean();

    private MetricsEndpoint(HTTPServer server, ExecutorService executor, String scheme, String host) {
        this.server = server;
        this.executor = executor;
        this.baseUrl = scheme + "://" + hostPort(host, server.getPort());
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
        Optional<String> missing = config.missingSecurityPartner();
        if (missing.isPresent()) {
            throw new IOException(partnerOf(missing.get()) + " is set but " + missing.get()
                    + " is missing or invalid, so the endpoint will not serve without the protection asked for.");
        }
        Authenticator credentials = config.basicAuth() ? passwordCheck(config) : null;
        HttpsConfigurator tls = config.tls()
                ? TlsConfigurator.create(config.keystore().get(), config.keystorePasswordFile().get()) : null;
        ExecutorService executor = DaemonExecutor.create();
        PortRange ports = config.portRange();
        for (int port = ports.first(); ; port++) {
            try {
                HTTPServer server = serve(config, port, registry, executor, credentials, tls, deadUnits);
                return new MetricsEndpoint(server, executor, tls != null ? "https" : "http", config.host());
            } catch (IOException | RuntimeException e) {
                if (port < ports.last() && inUse(e)) {
                    continue; // a range: the next port may be free
                }
                executor.shutdownNow();
                throw startFailure(config, port, e);
            }
        }
    }

    private static HTTPServer serve(AgentConfig config, int port, PrometheusRegistry registry,
            ExecutorService executor, Authenticator credentials, HttpsConfigurator tls, DeadUnitsSource deadUnits)
            throws IOException {
        // Empty properties: the application's own io.prometheus.* settings (its exporter port above all)
        // must not leak into the agent's endpoint.
        HTTPServer.Builder builder = HTTPServer.builder(PrometheusProperties.builder().build())
                .hostname(config.host())
                .port(port)
                .registry(registry)
                .executorService(executor)
                .authenticator(new RequestGate(credentials,
                        deadUnits == null ? Set.of() : Set.of(DEADUNITS_PATH)))
                .defaultHandler(new RootHandler(deadUnits == null ? null : new DeadUnitsHandler(deadUnits)))
                .registerHealthHandler(false)
                .errorHandlingPolicy(HttpErrorHandlingPolicy.builder()
                        .unsafeDebugResponse(false)
                        .errorReporter(new ScrapeErrorReporter())
                        .build());
        if (tls != null) {
            builder.httpsConfigurator(tls);
        }
        return builder.buildAndStart();
    }

    private static boolean inUse(Exception e) {
        String reason = e.getMessage();
        return e instanceof BindException && reason != null && reason.toLowerCase(Locale.ROOT).contains("in use");
    }

    /** The bound port; differs from the configured one when that was 0. */
    public int port() {
        return server.getPort();
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
        try {
            if (!executor.awaitTermination(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
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

    private static String partnerOf(String key) {
        switch (key) {
            case "passwordFile":
                return "user";
            case "user":
                return "passwordFile";
            default:
                return "keystore";
        }
    }

    private static String hostPort(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
