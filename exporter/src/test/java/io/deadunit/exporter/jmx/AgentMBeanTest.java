package io.deadunit.exporter.jmx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.deadunit.exporter.config.AgentConfig;
import io.deadunit.exporter.monitor.LayerMonitor;
import io.deadunit.exporter.monitor.ModelMonitor;
import io.deadunit.exporter.monitor.MonitorListener;
import io.deadunit.exporter.monitor.MonitorRegistry;
import io.deadunit.exporter.monitor.Sampling;
import io.deadunit.exporter.report.DeadUnitsReport;
import io.deadunit.exporter.report.KnownNetwork;
import io.deadunit.exporter.stats.LayerSnapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.management.Attribute;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The control MBean as JConsole sees it: through the platform MBean server only. */
class AgentMBeanTest {
    private static final MonitorListener QUIET = new MonitorListener() { };

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final ObjectName name = objectName();
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private final PrintStream log = new PrintStream(logged, true, StandardCharsets.UTF_8);
    private final AgentConfig config = AgentConfig.builder().port(9555).sampleEvery(1).window(1)
            .phases(true, true).maxLayers(77).build();
    private final Sampling sampling = new Sampling(config.sampleEvery(), config.window());
    private final MonitorRegistry monitors = new MonitorRegistry(Optional.empty(), sampling, QUIET);
    private final KnownNetwork network = new KnownNetwork();
    private AgentMBeanRegistration registration;

    @BeforeEach
    void register() {
        AgentControl control = new AgentControl(config, sampling, monitors, Optional::empty,
                new DeadUnitsReport(monitors::models));
        registration = AgentMBeanRegistration.register(control, log).orElseThrow();
    }

    @AfterEach
    void unregister() {
        registration.close();
    }

    private static ObjectName objectName() {
        try {
            return new ObjectName("io.deadunit:type=Agent");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Object get(String attribute) throws Exception {
        return server.getAttribute(name, attribute);
    }

    private Object invoke(String operation) throws Exception {
        return server.invoke(name, operation, null, null);
    }

    @Test
    void readsTheConfiguration() throws Exception {
        network.observeOneWindow(monitors);

        assertThat(get("Monitoring")).isEqualTo(true);
        assertThat(get("SampleEvery")).isEqualTo(1);
        assertThat(get("Window")).isEqualTo(1);
        assertThat(get("Phases")).isEqualTo("train+inference");
        assertThat(get("Host")).isEqualTo("127.0.0.1");
        // Not serving: the configured port, and no URL.
        assertThat(get("Port")).isEqualTo(9555);
        assertThat(get("MetricsUrl")).isEqualTo("");
        assertThat(get("Model")).isEqualTo("");
        assertThat(get("MaxLayers")).isEqualTo(77);
        assertThat(get("BasicAuth")).isEqualTo(false);
        assertThat(get("Tls")).isEqualTo(false);
        assertThat((String[]) get("MonitoredModels")).containsExactly(KnownNetwork.MODEL);
        assertThat(logged.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void changesSamplingAndWindowAtRunTime() throws Exception {
        server.setAttribute(name, new Attribute("SampleEvery", 5));
        server.setAttribute(name, new Attribute("Window", 50));

        assertThat(sampling.sampleEvery()).isEqualTo(5);
        assertThat(sampling.window()).isEqualTo(50);
        assertThat(get("SampleEvery")).isEqualTo(5);
        assertThat(get("Window")).isEqualTo(50);
    }

    @Test
    void rejectsValuesTheConfigurationWouldRefuse() {
        assertThatThrownBy(() -> server.setAttribute(name, new Attribute("SampleEvery", 0)))
                .hasRootCauseInstanceOf(IllegalArgumentException.class)
                .hasRootCauseMessage("SampleEvery must be between 1 and 1000000, got 0");
        assertThatThrownBy(() -> server.setAttribute(name, new Attribute("Window", 1_000_001)))
                .hasRootCauseInstanceOf(IllegalArgumentException.class)
                .hasRootCauseMessage("Window must be between 1 and 1000000, got 1000001");
        assertThat(sampling.sampleEvery()).isEqualTo(1);
        assertThat(sampling.window()).isEqualTo(1);
    }

    @Test
    void turnsMonitoringOffAndOn() throws Exception {
        ModelMonitor model = network.observeOneWindow(monitors);
        LayerMonitor dense = model.layers().get(0);

        server.setAttribute(name, new Attribute("Monitoring", false));
        boolean samplingWhenOff = dense.isSampling(true) || dense.isSampling(false);
        server.setAttribute(name, new Attribute("Monitoring", true));

        assertThat(samplingWhenOff).isFalse();
        assertThat(get("Monitoring")).isEqualTo(true);
        assertThat(dense.isSampling(true)).isTrue();
    }

    @Test
    void resetWindowsDropsTheOpenWindowAtTheNextIteration() throws Exception {
        ModelMonitor model = network.observeOneWindow(monitors);
        LayerMonitor dense = model.layers().get(0);
        LayerSnapshot closed = dense.snapshot();
        KnownNetwork.feed(dense, 1, 1, 1, 1, 1, 1);

        invoke("resetWindows");
        model.onIterationDone(0);

        // The window that would have closed here (with unit 0 firing) was dropped; the last closed one stays.
        assertThat(dense.snapshot()).isSameAs(closed);
        KnownNetwork.feed(dense, 1, 1, 1, 1, 1, 1);
        model.onIterationDone(0);
        assertThat(dense.snapshot().deadUnits()).isZero();
    }

    @Test
    void dumpsTheSummaryAndTheDeadUnitsJson() throws Exception {
        assertThat(invoke("summary")).isEqualTo(AgentControl.NOTHING_OBSERVED);

        network.observeOneWindow(monitors);
        String summary = (String) invoke("summary");
        JsonNode json = new ObjectMapper().readTree((String) invoke("deadUnitsJson"));

        assertThat(summary).contains(KnownNetwork.MODEL, "dense", "dead     1");
        JsonNode dense = json.get("models").get(0).get("layers").get(0);
        assertThat(dense.get("dead").toString()).isEqualTo("[0]");
    }

    @Test
    void describesItselfForJConsole() throws Exception {
        MBeanInfo info = server.getMBeanInfo(name);

        assertThat(info.getDescription()).contains("deadunit");
        assertThat(Arrays.stream(info.getAttributes()).map(MBeanAttributeInfo::getName)).containsExactlyInAnyOrder(
                "Monitoring", "SampleEvery", "Window", "Phases", "Host", "Port", "MetricsUrl", "Model", "MaxLayers",
                "BasicAuth", "Tls", "MonitoredModels");
        assertThat(info.getAttributes()).allSatisfy(a -> assertThat(a.getDescription()).doesNotContain("Attribute exposed"));
        assertThat(Arrays.stream(info.getAttributes()).filter(MBeanAttributeInfo::isWritable)
                .map(MBeanAttributeInfo::getName)).containsExactlyInAnyOrder("Monitoring", "SampleEvery", "Window");
        MBeanOperationInfo reset = Arrays.stream(info.getOperations())
                .filter(o -> o.getName().equals("resetWindows")).findFirst().orElseThrow();
        assertThat(reset.getImpact()).isEqualTo(MBeanOperationInfo.ACTION);
    }

    @Test
    void aTakenNameIsOneLineAndTheFirstMBeanStays() {
        AgentControl second = new AgentControl(config, sampling, monitors, Optional::empty,
                new DeadUnitsReport(monitors::models));

        Optional<AgentMBeanRegistration> again = AgentMBeanRegistration.register(second, log);

        assertThat(again).isEmpty();
        String[] lines = logged.toString(StandardCharsets.UTF_8).split("\\R");
        assertThat(lines).hasSize(1);
        assertThat(lines[0]).startsWith("deadunit: cannot register the JMX control MBean io.deadunit:type=Agent");
        assertThat(server.isRegistered(name)).isTrue();
    }

    @Test
    void closeUnregistersOnce() {
        registration.close();
        assertThat(server.isRegistered(name)).isFalse();
        registration.close();
    }
}
