package io.deadunit.exporter;

import io.deadunit.exporter.config.AgentConfig;
import io.deadunit.exporter.health.AgentHealth;
import io.deadunit.exporter.jmx.AgentControl;
import io.deadunit.exporter.jmx.AgentMBeanRegistration;
import io.deadunit.exporter.meters.AgentMeters;
import io.deadunit.exporter.meters.MeterPublisher;
import io.deadunit.exporter.meters.UnitActivityHistogram;
import io.deadunit.exporter.monitor.Diagnostics;
import io.deadunit.exporter.monitor.ExitSummary;
import io.deadunit.exporter.monitor.MonitorRegistry;
import io.deadunit.exporter.monitor.Sampling;
import io.deadunit.exporter.report.DeadUnitsReport;
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
 * HTTP endpoint (with {@code /deadunits}), the JMX control MBean, and the housekeeping that drops collected
 * models. Knows nothing about DL4J.
 */
public final class Exporter implements AutoCloseable {
    /** JMX domain of the meters' MBeans. */
    public static final String JMX_DOMAIN = "deadunit";
    private static final long EXPUNGE_PERIOD_SECONDS = 5;

    private final AgentConfig config;
    private final AgentHealth health;
    private final PrometheusMeterRegistry prometheus;
    private final CompositeMeterRegistry registry = new CompositeMeterRegistry();
    private final Sampling sampling;
    private final MonitorRegistry monitors;
    private final DeadUnitsReport deadUnits;
    private final ScheduledExecutorService housekeeping;
    private final PrintStream log;
    private JmxMeterRegistry jmx;
    private MetricsEndpoint endpoint;
    private AgentMBeanRegistration control;

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
        sampling = new Sampling(config.sampleEvery(), config.window());
        monitors = new MonitorRegistry(config.model(), sampling, new MeterPublisher(registry,
                Optional.of(new UnitActivityHistogram(prometheus.getPrometheusRegistry()))), config.maxLayers(),
                new Diagnostics(config.diagnoseAt(), log::println));
        new AgentMeters(health, monitors).bindTo(registry);
        deadUnits = new DeadUnitsReport(monitors::models);
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
        if (config.jmx()) {
            exporter.control = AgentMBeanRegistration.register(new AgentControl(config, exporter.sampling,
                    exporter.monitors, exporter::endpoint, exporter.deadUnits), log).orElse(null);
        }
        exporter.housekeeping.scheduleWithFixedDelay(exporter::expunge, EXPUNGE_PERIOD_SECONDS,
                EXPUNGE_PERIOD_SECONDS, TimeUnit.SECONDS);
        return exporter;
    }

    private void startEndpoint() {
        try {
            endpoint = MetricsEndpoint.start(config, prometheus.getPrometheusRegistry(), this::deadUnitsJson);
        } catch (IOException | RuntimeException e) {
            log.println("deadunit: " + e.getMessage() + " Metrics are not served over HTTP; training continues.");
        }
    }

    /** A failure is counted and logged once like any other; the HTTP client only gets a 500. */
    private String deadUnitsJson(String model, String layer) {
        try {
            return deadUnits.json(model, layer);
        } catch (RuntimeException e) {
            health.recordError("rendering " + MetricsEndpoint.DEADUNITS_PATH, e);
            throw e;
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

    /** Which units are dead, dormant, saturated: the {@code /deadunits} document. */
    public DeadUnitsReport deadUnits() {
        return deadUnits;
    }

    /** The per-layer report for stderr at exit, empty when nothing was observed. */
    public String summary() {
        return ExitSummary.render(monitors.models());
    }

    @Override
    public void close() {
        housekeeping.shutdownNow();
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
