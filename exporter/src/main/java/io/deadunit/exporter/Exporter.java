package io.deadunit.exporter;

import io.deadunit.exporter.config.AgentConfig;
import io.deadunit.exporter.discovery.TargetFile;
import io.deadunit.exporter.discovery.TargetHost;
import io.deadunit.exporter.push.OtlpExport;
import io.deadunit.exporter.push.OtlpResource;
import io.deadunit.exporter.push.PushGrouping;
import io.deadunit.exporter.push.PushgatewayPusher;
import io.deadunit.exporter.server.Secrets;
import io.deadunit.exporter.health.AgentHealth;
import io.deadunit.exporter.health.AgentThreads;
import io.deadunit.exporter.health.OffThreadLines;
import io.deadunit.exporter.jmx.AgentControl;
import io.deadunit.exporter.jmx.AgentMBeanRegistration;
import io.deadunit.exporter.util.LibraryLogging;
import io.deadunit.exporter.meters.AgentMeters;
import io.deadunit.exporter.meters.ClosedWindowsRegistry;
import io.deadunit.exporter.meters.MeterPublisher;
import io.deadunit.exporter.meters.UnitActivityHistogram;
import io.deadunit.exporter.monitor.Diagnostics;
import io.deadunit.exporter.monitor.ExitSummary;
import io.deadunit.exporter.monitor.ModelMonitor;
import io.deadunit.exporter.monitor.MonitorRegistry;
import io.deadunit.exporter.monitor.Sampling;
import io.deadunit.exporter.monitor.WarmUp;
import io.deadunit.exporter.monitor.WindowUpdates;
import io.deadunit.exporter.report.DeadUnitsReport;
import io.deadunit.exporter.server.DeadUnitsSource;
import io.deadunit.exporter.server.MetricsEndpoint;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.jmx.JmxConfig;
import io.micrometer.jmx.JmxMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.Map;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Everything the agent publishes through, wired once: monitors, Micrometer registries (Prometheus and JMX), the
 * HTTP endpoint (with {@code /deadunits}), the JMX control MBean, and the housekeeping that drops collected
 * models. Knows nothing about DL4J.
 *
 * <p>JMX waits for the end of the first training iteration (at most {@link #JMX_DEADLINE}): creating the
 * platform MBean server and Micrometer's JMX registry costs a quarter of a second of CPU, which would otherwise
 * compete with the application's own start-up on a small machine, and nobody opens JConsole before training runs.
 */
public final class Exporter implements AutoCloseable {
    /** JMX domain of the meters' MBeans. */
    public static final String JMX_DOMAIN = "deadunit";
    private static final long EXPUNGE_PERIOD_SECONDS = 5;
    private static final long LINES_FLUSH_MILLIS = 200;
    /** Longest wait for a first training iteration before JMX starts anyway (inference only, slow starts). */
    static final Duration JMX_DEADLINE = Duration.ofSeconds(10);
    private static final long JMX_POLL_MILLIS = 100;
    private static final long WARM_UP_POLL_MILLIS = 100;
    private static final long WARM_UP_AFTER_ITERATIONS = 2;
    /** Longest a scrape waits for the windows already closed to be published (normally well under a millisecond). */
    private static final long SCRAPE_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final AgentConfig config;
    private final AgentHealth health;
    private final MeterPublisher publisher;
    private volatile Future<?> started;
    private final CompositeMeterRegistry registry = new CompositeMeterRegistry();
    private final Sampling sampling;
    private final MonitorRegistry monitors;
    private final WindowUpdates updates;
    private volatile Future<?> warmUpCheck;
    private volatile boolean warmedUp;
    private final DeadUnitsReport deadUnits;
    private final ScheduledExecutorService housekeeping;
    private final PrintStream log;
    private final OffThreadLines lines;
    private volatile JmxMeterRegistry jmx;
    private volatile MetricsEndpoint endpoint;
    private volatile AgentMBeanRegistration control;
    private volatile TargetFile targetFile;
    private volatile PushgatewayPusher pusher;
    private final Counter pushFailures;
    private volatile OtlpExport otlp;
    private final Counter otlpFailures;
    /** Counted down once JMX is up, failed or off. */
    private final CountDownLatch jmxReady = new CountDownLatch(1);
    private volatile boolean jmxWanted;
    private volatile Future<?> jmxCheck;
    private final Object jmxLock = new Object();
    /** Guarded by jmxLock. */
    private boolean jmxStarting, jmxClosed;
    private long publishNanos;
    private final long jmxDeadlineNanos;

    static {
        LibraryLogging.configure(); // before the first registry: see there
    }

    private Exporter(AgentConfig config, PrintStream log, Duration jmxDeadline) {
        this.config = config;
        this.jmxDeadlineNanos = jmxDeadline.toNanos();
        this.log = log;
        // Lines that training threads cause (first error, diagnoses) are written off those threads.
        this.lines = new OffThreadLines(log);
        this.health = new AgentHealth(lines);
        // Backstop against runaway cardinality: beyond maxLayers distinct layer names, layer meters are dropped.
        // The process' identity (labels=) on every series; set before any meter exists, as Micrometer requires.
        registry.config().commonTags(tags(config.labels()));
        registry.config().meterFilter(
                MeterFilter.maximumAllowableTags("dl4j.layer", "layer", config.maxLayers(), MeterFilter.deny()));
        sampling = new Sampling(config.sampleEvery(), config.window());
        publisher = new MeterPublisher(registry, Optional.empty());
        // revive=true reinitialises units from the window just closed, on the training thread: it needs the window
        // closed there too, so it keeps every update on that thread. statisticsThread=false asks for the same.
        updates = config.revive() || !config.statisticsThread() ? WindowUpdates.inline()
                : WindowUpdates.background(copyBudgetBytes(), health::recordError);
        monitors = new MonitorRegistry(config.model(), sampling, publisher, config.maxLayers(),
                new Diagnostics(config.diagnoseAt(), lines), updates);
        health.onOutOfMemory(monitors::release);
        new AgentMeters(health, monitors).bindTo(registry);
        pushFailures = Counter.builder("deadunit.agent.push.failures")
                .description("Pushes to the Pushgateway (pushgateway=) that failed").register(registry);
        otlpFailures = Counter.builder("deadunit.agent.otlp.failures")
                .description("Exports to the OTLP receiver (otlp=) that failed").register(registry);
        deadUnits = new DeadUnitsReport(monitors::models);
        housekeeping = Executors.newSingleThreadScheduledExecutor(
                runnable -> AgentThreads.daemon(runnable, "deadunit-exporter"));
    }

    /**
     * Wires the monitors at once and starts publishing (Prometheus and JMX registries, the endpoint, the control
     * MBean) on a daemon thread, so that the application's {@code main} does not wait for it. Meters registered
     * meanwhile reach the registries when they are added. A port that cannot be bound is reported on {@code log}.
     */
    public static Exporter start(AgentConfig config, PrintStream log) {
        Exporter exporter = prepare(config, log);
        exporter.publish();
        return exporter;
    }

    /**
     * Wires the monitors only: tensors can be observed at once, and {@link #publish()} starts the registries and
     * the endpoint later (the agent first gets its instrumentation ready, which the application waits for).
     */
    public static Exporter prepare(AgentConfig config, PrintStream log) {
        return new Exporter(config, log, JMX_DEADLINE);
    }

    /** As {@link #start} with another wait for a first training iteration before JMX starts anyway (tests). */
    static Exporter start(AgentConfig config, PrintStream log, Duration jmxDeadline) {
        Exporter exporter = new Exporter(config, log, jmxDeadline);
        exporter.publish();
        return exporter;
    }

    /** Starts publishing on the exporter's daemon thread (once), and the housekeeping. */
    public synchronized void publish() {
        if (started != null) {
            return;
        }
        started = housekeeping.submit(this::startPublishing);
        housekeeping.scheduleWithFixedDelay(this::expunge, EXPUNGE_PERIOD_SECONDS, EXPUNGE_PERIOD_SECONDS,
                TimeUnit.SECONDS);
        warmUpCheck = housekeeping.scheduleWithFixedDelay(this::warmUpOnceTraining, WARM_UP_POLL_MILLIS,
                WARM_UP_POLL_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void startPublishing() {
        try {
            PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT,
                    new ClosedWindowsRegistry(() -> updates.awaitSubmitted(SCRAPE_WAIT_NANOS)), Clock.SYSTEM);
            publisher.publishActivityTo(new UnitActivityHistogram(prometheus.getPrometheusRegistry(),
                    config.labels()));
            registry.add(prometheus);
            startEndpoint(prometheus);
            config.pushgateway().ifPresent(url -> startPushing(url, prometheus));
            config.otlp().ifPresent(this::startOtlp);
        } catch (Throwable t) {
            health.recordError("starting the exporter", t);
        }
        if (config.jmx()) {
            publishNanos = System.nanoTime();
            jmxCheck = housekeeping.scheduleWithFixedDelay(this::startJmxWhenDue, 0, JMX_POLL_MILLIS,
                    TimeUnit.MILLISECONDS);
        } else {
            jmxReady.countDown();
        }
    }

    /**
     * JMX (when configured) once a model has trained an iteration, the deadline passed, or someone awaits publishing.
     * Under the lock close() takes: a start under way at close finishes and is closed with it; none begins after.
     */
    private void startJmxWhenDue() {
        synchronized (jmxLock) {
            if (!config.jmx() || jmxClosed || jmxStarting || !(jmxWanted || anyModelTrained()
                    || System.nanoTime() - publishNanos > jmxDeadlineNanos)) {
                return;
            }
            jmxStarting = true;
            try {
                jmx = new JmxMeterRegistry(jmxConfig(), Clock.SYSTEM);
                registry.add(jmx);
                control = AgentMBeanRegistration.register(new AgentControl(config, sampling, monitors,
                        this::endpoint, deadUnits), log).orElse(null);
            } catch (Throwable t) {
                health.recordError("starting JMX", t);
            } finally {
                jmxReady.countDown();
                Future<?> check = jmxCheck;
                if (check != null) {
                    check.cancel(false);
                }
            }
        }
    }

    /**
     * {@link WarmUp}, once a model has trained two iterations: after the first (start-up is measured to its end),
     * before the early windows.
     */
    private void warmUpOnceTraining() {
        if (warmedUp || !anyModelTrained(WARM_UP_AFTER_ITERATIONS)) {
            return;
        }
        warmedUp = true;
        try {
            if (updates.onCallingThread()) {
                WarmUp.runHere(); // no statistics thread: the monitors' code runs where the windows are updated
            } else {
                WarmUp.run(copyBudgetBytes(), health::recordError);
            }
        } catch (Throwable t) {
            health.recordError("warming up", t);
        } finally {
            Future<?> check = warmUpCheck;
            if (check != null) {
                check.cancel(false);
            }
        }
    }

    /** Whether {@link WarmUp} has started (tests). */
    boolean warmUpStarted() {
        return warmedUp;
    }

    private boolean anyModelTrained() {
        return anyModelTrained(1);
    }

    private boolean anyModelTrained(long iterations) {
        for (ModelMonitor model : monitors.models()) {
            if (model.iterations() >= iterations) {
                return true;
            }
        }
        return false;
    }

    /**
     * Waits until the registries, the endpoint and the MBean are up (or failed); true when done in time. JMX, which
     * otherwise waits for the first training iteration, starts at once for whoever waits here.
     */
    public boolean awaitPublishing(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (!awaitStarted(timeout)) {
            return false;
        }
        jmxWanted = true;
        try {
            housekeeping.execute(this::startJmxWhenDue);
            return jmxReady.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (RuntimeException closed) {
            return false; // closed meanwhile
        }
    }

    private boolean awaitStarted(Duration timeout) {
        Future<?> started = this.started;
        if (started == null) {
            return false;
        }
        try {
            started.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    private void startEndpoint(PrometheusMeterRegistry prometheus) {
        if (config.endpointRefusal().isPresent()) {
            // Fail closed, and quietly: the parser's one warning line already said the endpoint will not start.
            return;
        }
        try {
            endpoint = MetricsEndpoint.start(config, prometheus.getPrometheusRegistry(), deadUnitsSource());
            endpoint.warnings().forEach(log::println);
        } catch (IOException | RuntimeException e) {
            log.println("deadunit: " + e.getMessage() + " Metrics are not served over HTTP; training continues.");
            return;
        }
        // Once, so that whoever started several trainers with a port range or port=0 learns which is which.
        log.println("deadunit: serving " + endpoint.url());
        config.targetsDir().ifPresent(this::writeTargetFile);
    }

    private void startPushing(java.net.URI url, PrometheusMeterRegistry prometheus) {
        try {
            pusher = PushgatewayPusher.start(url, PushGrouping.of(config.labels()),
                    Duration.ofSeconds(config.pushEvery()), prometheus.getPrometheusRegistry(), basicAuthorization(),
                    pushFailures::increment, log);
        } catch (IOException | RuntimeException e) {
            log.println("deadunit: cannot push to " + url + " (" + e.getMessage() + "); training continues.");
        }
    }

    private void startOtlp(java.net.URI url) {
        try {
            otlp = OtlpExport.start(url, Duration.ofSeconds(config.otlpEvery()), OtlpResource.of(config.labels()),
                    basicAuthorization(), otlpFailures::increment, log);
            registry.add(otlp.registry());
        } catch (IOException | RuntimeException e) {
            log.println("deadunit: cannot export over OTLP to " + url + " (" + e.getMessage()
                    + "); training continues.");
        }
    }

    /** The {@code Authorization} header of {@code user}/{@code passwordFile}, or null without basic auth. */
    private String basicAuthorization() throws IOException {
        if (!config.basicAuth()) {
            return null;
        }
        char[] password = Secrets.read(config.passwordFile().get(), "passwordFile");
        String pair = config.user().get() + ":" + new String(password);
        java.util.Arrays.fill(password, '\0');
        return "Basic " + java.util.Base64.getEncoder()
                .encodeToString(pair.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private void writeTargetFile(Path dir) {
        String target = TargetHost.hostPort(TargetHost.choose(config.host(), config.targetHost()), endpoint.port());
        try {
            targetFile = TargetFile.write(dir, target, endpoint.port(), config.labels());
        } catch (IOException | RuntimeException e) {
            log.println("deadunit: cannot write the discovery file in targetsDir " + dir + " (" + e
                    + "); Prometheus will not find this process there. Training continues.");
        }
    }

    private static List<Tag> tags(Map<String, String> labels) {
        return labels.entrySet().stream().map(label -> Tag.of(label.getKey(), label.getValue()))
                .collect(Collectors.toList());
    }

    /** A failure is counted and logged once like any other; the HTTP client only gets a 500 or a cut answer. */
    private DeadUnitsSource deadUnitsSource() {
        return new DeadUnitsSource() {
            @Override
            public String json(String model, String layer) {
                StringBuilder out = new StringBuilder();
                write(model, layer, out);
                return out.toString();
            }

            @Override
            public void write(String model, String layer, Appendable out) {
                try {
                    updates.awaitSubmitted(SCRAPE_WAIT_NANOS); // the windows closed so far, as /metrics
                    deadUnits.write(model, layer, out);
                } catch (UncheckedIOException clientGone) {
                    throw clientGone; // the scraper went away: not the agent's failure
                } catch (RuntimeException e) {
                    health.recordError("rendering " + MetricsEndpoint.DEADUNITS_PATH, e);
                    throw e;
                }
            }
        };
    }

    private void expunge() {
        try {
            monitors.expunge();
        } catch (Throwable t) {
            health.recordError("removing collected models", t);
        }
    }

    public MonitorRegistry monitors() {
        return monitors;
    }

    public AgentHealth health() {
        return health;
    }

    public MeterRegistry registry() {
        return registry;
    }

    public Optional<MetricsEndpoint> endpoint() {
        return Optional.ofNullable(endpoint);
    }

    /** Which units are dead, dormant, saturated: the {@code /deadunits} document. */
    public DeadUnitsReport deadUnits() {
        return deadUnits;
    }

    /**
     * Bytes of tensor copies the statistics thread may hold: 1/64 of the heap, at most 64 MiB (a CNN's largest
     * activations at batch 64 take a few MiB each). A tensor beyond it is scanned on its training thread.
     */
    static long copyBudgetBytes() {
        return Math.min(64L << 20, Runtime.getRuntime().maxMemory() / 64);
    }

    /**
     * Waits until the windows' updates submitted so far have run (scans, closes, meters, diagnoses: see
     * {@link WindowUpdates}); true when they did within {@code timeout}.
     */
    public boolean awaitWindowUpdates(Duration timeout) {
        return updates.awaitIdle(timeout.toNanos());
    }

    /** The per-layer report for stderr at exit, empty when nothing was observed. */
    public String summary() {
        awaitWindowUpdates(Duration.ofSeconds(1)); // the last windows' diagnoses too
        lines.flush(LINES_FLUSH_MILLIS); // diagnoses first, then the summary
        return ExitSummary.render(monitors.models());
    }

    @Override
    public void close() {
        // A JVM that exits right after starting may find publishing half-way: let it finish briefly, then stop
        // (JMX not yet started is not started now; one being started finishes, within the same bound).
        awaitStarted(Duration.ofMillis(500));
        updates.close(); // the windows closed so far are published before the last push
        lines.flush(LINES_FLUSH_MILLIS);
        housekeeping.shutdownNow();
        try {
            housekeeping.awaitTermination(500, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // First: Prometheus should stop looking for this process before its port goes away.
        if (targetFile != null) {
            targetFile.close();
        }
        // The last window, pushed before the endpoint and the registries go (bounded wait, see the pusher).
        if (pusher != null) {
            pusher.close();
        }
        // Likewise over OTLP (bounded, see OtlpExport.CLOSE_BOUND).
        if (otlp != null) {
            otlp.close();
        }
        synchronized (jmxLock) {
            jmxClosed = true;
        }
        if (control != null) {
            control.close();
        }
        if (endpoint != null) {
            endpoint.close();
        }
        if (jmx != null) {
            jmx.close();
        }
    }

    private static JmxConfig jmxConfig() {
        return new JmxConfig() {
            @Override
            public String get(String key) {
                return null;
            }

            @Override
            public String domain() {
                return JMX_DOMAIN;
            }
        };
    }
}
