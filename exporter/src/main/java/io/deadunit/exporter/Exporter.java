package io.deadunit.exporter;

import io.deadunit.exporter.config.AgentConfig;
import io.deadunit.exporter.health.AgentHealth;
import io.deadunit.exporter.meters.AgentMeters;
import io.deadunit.exporter.meters.MeterPublisher;
import io.deadunit.exporter.meters.UnitActivityHistogram;
import io.deadunit.exporter.monitor.ExitSummary;
import io.deadunit.exporter.monitor.MonitorRegistry;
import io.deadunit.exporter.monitor.Sampling;
import io.deadunit.exporter.server.MetricsEndpoint;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.jmx.JmxConfig;
import io.micrometer.jmx.JmxMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Everything the agent publishes through, wired once: monitors, Micrometer registries (Prometheus and JMX), the
 * HTTP endpoint, and the housekeeping that drops collected models. Knows nothing about DL4J.
 */
public final class Exporter implements AutoCloseable {
    /** JMX domain of the meters' MBeans. */
    public static final String JMX_DOMAIN = "deadunit";
    private static final long EXPUNGE_PERIOD_SECONDS = 5;

    private final AgentConfig config;
    private final AgentHealth health;
    private final PrometheusMeterRegistry prometheus;
    private final CompositeMeterRegistry registry = new CompositeMeterRegistry();
    private final MonitorRegistry monitors;
    private final ScheduledExecutorService housekeeping;
    private final PrintStream log;
    private JmxMeterRegistry jmx;
    private MetricsEndpoint endpoint;

    private Exporter(AgentConfig config, PrintStream log) {
        this.config = config;
        this.log = log;
        this.health = new AgentHealth(log);
        this.prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.add(prometheus);
        if (config.jmx()) {
            jmx = new JmxMeterRegistry(jmxConfig(), Clock.SYSTEM);
            registry.add(jmx);
        }
        // Backstop against runaway cardinality: beyond maxLayers distinct layer names, layer meters are dropped.
        registry.config().meterFilter(
                MeterFilter.maximumAllowableTags("dl4j.layer", "layer", config.maxLayers(), MeterFilter.deny()));
        Sampling sampling = new Sampling(config.sampleEvery(), config.window());
        monitors = new MonitorRegistry(config.model(), sampling, new MeterPublisher(registry,
                Optional.of(new UnitActivityHistogram(prometheus.getPrometheusRegistry()))), config.maxLayers());
        new AgentMeters(health, monitors).bindTo(registry);
        housekeeping = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "deadunit-housekeeping");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Wires everything and starts the endpoint; a port that cannot be bound is reported on {@code log}. */
    public static Exporter start(AgentConfig config, PrintStream log) {
        Exporter exporter = new Exporter(config, log);
        exporter.startEndpoint();
        exporter.housekeeping.scheduleWithFixedDelay(exporter::expunge, EXPUNGE_PERIOD_SECONDS,
                EXPUNGE_PERIOD_SECONDS, TimeUnit.SECONDS);
        return exporter;
    }

    private void startEndpoint() {
        try {
            endpoint = MetricsEndpoint.start(config, prometheus.getPrometheusRegistry());
        } catch (IOException | RuntimeException e) {
            log.println("deadunit: " + e.getMessage() + " Metrics are not served over HTTP; training continues.");
        }
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

    /** The per-layer report for stderr at exit, empty when nothing was observed. */
    public String summary() {
        return ExitSummary.render(monitors.models());
    }

    @Override
    public void close() {
        housekeeping.shutdownNow();
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
