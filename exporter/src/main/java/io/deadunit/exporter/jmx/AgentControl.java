package io.deadunit.exporter.jmx;

import io.deadunit.exporter.config.AgentConfig;
import io.deadunit.exporter.config.ConfigKey;
import io.deadunit.exporter.monitor.ExitSummary;
import io.deadunit.exporter.monitor.ModelMonitor;
import io.deadunit.exporter.monitor.MonitorRegistry;
import io.deadunit.exporter.monitor.NaturalOrder;
import io.deadunit.exporter.monitor.Sampling;
import io.deadunit.exporter.report.DeadUnitsReport;
import io.deadunit.exporter.server.MetricsEndpoint;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the {@link DeadunitAgentMBean} does. Runs on JMX threads, so it only reads published state and writes
 * volatile settings; work on the windows themselves is left to the training thread
 * ({@link ModelMonitor#requestWindowReset()}).
 */
public final class AgentControl implements DeadunitAgentMBean {
    static final String NOTHING_OBSERVED = "deadunit: no layer has been observed yet.";

    private final AgentConfig config;
    private final Sampling sampling;
    private final MonitorRegistry monitors;
    private final Supplier<Optional<MetricsEndpoint>> endpoint;
    private final DeadUnitsReport report;

    public AgentControl(AgentConfig config, Sampling sampling, MonitorRegistry monitors,
                        Supplier<Optional<MetricsEndpoint>> endpoint, DeadUnitsReport report) {
        this.config = config;
        this.sampling = sampling;
        this.monitors = monitors;
        this.endpoint = endpoint;
        this.report = report;
    }

    @Override
    public boolean isMonitoring() {
        return sampling.monitoring();
    }

    @Override
    public void setMonitoring(boolean monitoring) {
        sampling.monitoring(monitoring);
    }

    @Override
    public int getSampleEvery() {
        return sampling.sampleEvery();
    }

    // Synchronized with setWindow: each writes both values, and must not undo a concurrent change of the other.
    @Override
    public synchronized void setSampleEvery(int sampleEvery) {
        sampling.set(ConfigKey.SAMPLE_EVERY.check("SampleEvery", sampleEvery), sampling.window());
    }

    @Override
    public int getWindow() {
        return sampling.window();
    }

    @Override
    public synchronized void setWindow(int window) {
        sampling.set(sampling.sampleEvery(), ConfigKey.WINDOW.check("Window", window));
    }

    @Override
    public String getPhases() {
        return config.get(ConfigKey.PHASES).toString();
    }

    @Override
    public String getHost() {
        return config.host();
    }

    @Override
    public int getPort() {
        return endpoint.get().map(MetricsEndpoint::port).orElse(config.port());
    }

    @Override
    public String getMetricsUrl() {
        return endpoint.get().map(MetricsEndpoint::url).orElse("");
    }

    @Override
    public String getModel() {
        return config.model().orElse("");
    }

    @Override
    public int getMaxLayers() {
        return config.maxLayers();
    }

    @Override
    public boolean isBasicAuth() {
        return config.basicAuth();
    }

    @Override
    public boolean isTls() {
        return config.tls();
    }

    @Override
    public String[] getMonitoredModels() {
        List<ModelMonitor> models = monitors.models();
        return models.stream().map(ModelMonitor::name).sorted(NaturalOrder.NAMES).toArray(String[]::new);
    }

    @Override
    public void resetWindows() {
        for (ModelMonitor model : monitors.models()) {
            model.requestWindowReset();
        }
    }

    @Override
    public String summary() {
        String summary = ExitSummary.render(monitors.models());
        return summary.isEmpty() ? NOTHING_OBSERVED : summary;
    }

    @Override
    public String deadUnitsJson() {
        return report.json();
    }
}
