package io.deadunit.exporter.push;

import io.deadunit.exporter.health.AgentThreads;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.ipc.http.HttpUrlConnectionSender;
import io.micrometer.registry.otlp.AggregationTemporality;
import io.micrometer.registry.otlp.CompressionMode;
import io.micrometer.registry.otlp.OtlpConfig;
import io.micrometer.registry.otlp.OtlpHttpMetricsSender;
import io.micrometer.registry.otlp.OtlpMeterRegistry;
import io.micrometer.registry.otlp.OtlpMetricsSender;

import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Exports the agent's meters over OTLP/HTTP ({@code otlp=URL}) with Micrometer's OTLP registry: every
 * {@code otlpEvery} seconds (the registry's step) on its own daemon thread {@code deadunit-otlp}, counted in the
 * agent's CPU time, and once more at exit. Cumulative temporality: counters are monotonic sums since start,
 * gauges their value at export time. The resource carries the process' identity ({@link OtlpResource}).
 *
 * <p>Never on a training thread. A receiver that is down costs one stderr line (the first failure) and a count in
 * {@code deadunit_agent_otlp_failures_total}; each request waits at most {@link #CONNECT_TIMEOUT} to connect and
 * {@link #READ_TIMEOUT} for the answer, and {@link #close()} returns within {@link #CLOSE_BOUND} whatever happens.
 */
public final class OtlpExport implements AutoCloseable {
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration READ_TIMEOUT = Duration.ofSeconds(2);
    /** The final export at exit: connect plus answer, and a little for encoding. */
    public static final Duration CLOSE_BOUND = CONNECT_TIMEOUT.plus(READ_TIMEOUT).plusMillis(500);
    /** OTLP/HTTP's path for metrics, appended when the URL has no path (as OTEL_EXPORTER_OTLP_ENDPOINT is). */
    public static final String METRICS_PATH = "/v1/metrics";

    private final URI url;
    private final Runnable onFailure;
    private final PrintStream log;
    private final AtomicBoolean reported = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final OtlpMeterRegistry registry;

    private OtlpExport(URI url, Duration step, Map<String, String> resource, String authorization,
            Runnable onFailure, PrintStream log) {
        this.url = url;
        this.onFailure = onFailure;
        this.log = log;
        OtlpMetricsSender http = new OtlpHttpMetricsSender(new HttpUrlConnectionSender(CONNECT_TIMEOUT, READ_TIMEOUT));
        this.registry = OtlpMeterRegistry.builder(config(url, step, resource, authorization))
                .clock(Clock.SYSTEM)
                .threadFactory(task -> AgentThreads.daemon(task, "deadunit-otlp"))
                .metricsSender(request -> send(http, request))
                .build();
    }

    /**
     * Starts exporting every {@code step}; add {@link #registry()} to the composite to give it the meters.
     *
     * @param url           the receiver's metrics URL ({@link #METRICS_PATH} is appended when it has no path)
     * @param resource      resource attributes ({@link OtlpResource#of})
     * @param authorization a {@code Basic ...} header value, or null
     * @param onFailure     counts a failed export
     */
    public static OtlpExport start(URI url, Duration step, Map<String, String> resource, String authorization,
            Runnable onFailure, PrintStream log) {
        return new OtlpExport(metricsUrl(url), step, resource, authorization, onFailure, log);
    }

    static URI metricsUrl(URI url) {
        String path = url.getRawPath();
        if (path == null || path.isEmpty() || path.equals("/")) {
            return URI.create(url.toString().replaceAll("/+$", "") + METRICS_PATH);
        }
        return url;
    }

    public URI url() {
        return url;
    }

    public MeterRegistry registry() {
        return registry;
    }

    private void send(OtlpMetricsSender http, OtlpMetricsSender.Request request) {
        try {
            http.send(request);
        } catch (Exception e) {
            // Swallowed here: the registry would only log it, and its logging is off.
            onFailure.run();
            if (reported.compareAndSet(false, true)) {
                log.println("deadunit: cannot export to the OTLP receiver at " + url + " (" + describe(e)
                        + "); retrying, counted in deadunit_agent_otlp_failures_total, training continues.");
            }
        }
    }

    /**
     * The root cause's message (Micrometer's HTTP sender wraps it in a bare Exception): "Connection refused",
     * "Read timed out", "unknown host otel", "Server responded with HTTP status code 404: ...".
     */
    private static String describe(Throwable e) {
        while (e.getCause() != null && e.getCause() != e) {
            e = e.getCause();
        }
        String m = e.getMessage() == null ? "" : e.getMessage().strip().lines().findFirst().orElse("");
        if (e instanceof java.net.UnknownHostException) {
            m = "unknown host " + m;
        } else if (m.isEmpty()) {
            m = e.getClass().getSimpleName();
        }
        return m.length() > 200 ? m.substring(0, 200) + "..." : m;
    }

    /**
     * Stops the schedule and exports once more (the final window), on a daemon thread so that the caller waits at
     * most {@link #CLOSE_BOUND} even if the receiver hangs. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Thread last = AgentThreads.daemon(registry::close, "deadunit-otlp-close");
        last.start();
        try {
            last.join(CLOSE_BOUND.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static OtlpConfig config(URI url, Duration step, Map<String, String> resource, String authorization) {
        Map<String, String> headers = authorization == null ? Map.of() : Map.of("Authorization", authorization);
        // Every setting is given here: Micrometer's defaults would otherwise read OTEL_* environment variables.
        return new OtlpConfig() {
            @Override
            public String get(String key) {
                return null;
            }

            @Override
            public String url() {
                return url.toString();
            }

            @Override
            public Duration step() {
                return step;
            }

            @Override
            public Map<String, String> resourceAttributes() {
                return resource;
            }

            @Override
            public Map<String, String> headers() {
                return headers;
            }

            @Override
            public AggregationTemporality aggregationTemporality() {
                return AggregationTemporality.CUMULATIVE;
            }

            @Override
            public CompressionMode compressionMode() {
                return CompressionMode.NONE;
            }
        };
    }
}
