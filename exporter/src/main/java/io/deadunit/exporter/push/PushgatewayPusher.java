package io.deadunit.exporter.push;

import io.deadunit.exporter.health.AgentThreads;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Pushes the agent's meters to a Prometheus Pushgateway ({@code pushgateway=URL}): every {@code pushEvery} seconds
 * on its own daemon thread, and once more at exit, so that the last window of a job that ends between two scrapes
 * still reaches Prometheus. {@code PUT /metrics/job/deadunit/<label>/<value>...} replaces this process' group, whose
 * grouping key is its identity ({@code labels=}), or {@code host} and {@code pid} without labels, so two processes
 * never overwrite each other.
 *
 * <p>Never on a training thread. A Pushgateway that is down costs one stderr line (the first failure) and a count
 * in {@code deadunit_agent_push_failures_total}; the final push at exit waits at most {@link #FINAL_PUSH_TIMEOUT}.
 *
 * <p>The Prometheus Java client's own Pushgateway exporter is not served here at the client version the agent
 * bundles (1.10.0); moving every client module to 1.5.1, where it is, loses the endpoint's
 * {@code HttpErrorHandlingPolicy} (a failed scrape would send the scraper a stack trace). The body is written with
 * the bundled client's own text-format writer instead, over the JDK's HTTP client (docs/many-jvms.md).
 */
public final class PushgatewayPusher implements AutoCloseable {
    /** Bound of the final push at exit: connect plus response. */
    public static final Duration FINAL_PUSH_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final URI groupUri;
    private final PrometheusRegistry registry;
    private final Runnable onFailure;
    private final PrintStream log;
    private final String authorization;
    private final HttpClient http;
    private final ScheduledExecutorService pushing;
    private final AtomicBoolean reported = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    private PushgatewayPusher(URI groupUri, PrometheusRegistry registry, Runnable onFailure, PrintStream log,
            String authorization) {
        this.groupUri = groupUri;
        this.registry = registry;
        this.onFailure = onFailure;
        this.log = log;
        this.authorization = authorization;
        this.http = HttpClient.newBuilder().connectTimeout(FINAL_PUSH_TIMEOUT).build();
        // An agent thread, so that its CPU counts in deadunit_agent_cpu_seconds_total.
        this.pushing = Executors.newSingleThreadScheduledExecutor(r -> AgentThreads.daemon(r, "deadunit-push"));
    }

    /**
     * Starts pushing every {@code every}.
     *
     * @param gateway       {@code http(s)://host:port} (a path prefix is kept)
     * @param grouping      the grouping key after {@code job=deadunit}, in order
     * @param authorization a {@code Basic ...} header value, or null
     * @param onFailure     counts a failed push
     */
    public static PushgatewayPusher start(URI gateway, Map<String, String> grouping, Duration every,
            PrometheusRegistry registry, String authorization, Runnable onFailure, PrintStream log) {
        PushgatewayPusher pusher = new PushgatewayPusher(groupUri(gateway, grouping), registry, onFailure, log,
                authorization);
        pusher.pushing.scheduleWithFixedDelay(() -> pusher.push(TIMEOUT), every.toMillis(), every.toMillis(),
                TimeUnit.MILLISECONDS);
        return pusher;
    }

    /** {@code <gateway>/metrics/job/deadunit/<name>/<value>...}; values that need it are base64url-encoded. */
    static URI groupUri(URI gateway, Map<String, String> grouping) {
        StringBuilder path = new StringBuilder(gateway.toString().replaceAll("/+$", ""));
        path.append("/metrics/job/deadunit");
        grouping.forEach((name, value) -> {
            if (value.isEmpty() || value.contains("/")) {
                path.append('/').append(name).append("@base64/")
                        .append(Base64.getUrlEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)));
            } else {
                path.append('/').append(name).append('/')
                        .append(URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20"));
            }
        });
        return URI.create(path.toString());
    }

    public URI groupUri() {
        return groupUri;
    }

    /** One push now (on the caller's thread); true when the Pushgateway accepted it. */
    boolean push(Duration timeout) {
        try {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            PrometheusTextFormatWriter.create().write(body, registry.scrape());
            HttpRequest.Builder request = HttpRequest.newBuilder(groupUri).timeout(timeout)
                    .header("Content-Type", PrometheusTextFormatWriter.CONTENT_TYPE)
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IOException("HTTP " + response.statusCode() + " " + firstLine(response.body()));
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (!closed.get()) {
                failed(e);
            } // else: a periodic push cut by close() after its grace period; the final push follows, not a failure
            return false;
        } catch (IOException | RuntimeException e) {
            failed(e);
            return false;
        }
    }

    private void failed(Exception e) {
        onFailure.run();
        if (reported.compareAndSet(false, true)) {
            log.println("deadunit: cannot push to the Pushgateway at " + groupUri + " (" + describe(e)
                    + "); retrying, counted in deadunit_agent_push_failures_total, training continues.");
        }
    }

    private static String describe(Exception e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + m;
    }

    private static String firstLine(String s) {
        String line = s == null ? "" : s.strip().lines().findFirst().orElse("");
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    /**
     * Stops the schedule and pushes once more (the final window). A periodic push already under way is let finish
     * for at most {@link #FINAL_PUSH_TIMEOUT}, then cut (interrupting it mid-request would count a failure that is
     * none, and its request could reach the Pushgateway after the final one and replace it with older values); the
     * final push then waits at most {@link #FINAL_PUSH_TIMEOUT} for the connection and the answer together. So
     * close() returns within twice that bound even when the Pushgateway hangs. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        pushing.shutdown(); // no further periodic runs; one under way continues
        try {
            if (!pushing.awaitTermination(FINAL_PUSH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                pushing.shutdownNow();
                pushing.awaitTermination(100, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            pushing.shutdownNow();
            Thread.currentThread().interrupt();
        }
        push(FINAL_PUSH_TIMEOUT);
    }
}
