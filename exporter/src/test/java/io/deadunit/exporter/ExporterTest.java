package io.deadunit.exporter;

import io.deadunit.exporter.config.AgentConfig;
import io.deadunit.exporter.jmx.AgentMBeanRegistration;
import io.deadunit.exporter.monitor.LayerDescriptor;
import io.deadunit.exporter.monitor.LayerMonitor;
import io.deadunit.exporter.monitor.ModelMonitor;
import io.deadunit.exporter.server.MetricsEndpoint;
import io.deadunit.exporter.stats.FloatTensorData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The wiring as the agent uses it: one set of monitors, served over HTTP and as JMX MBeans. */
class ExporterTest {
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final PrintStream log = new PrintStream(stderr, true, StandardCharsets.UTF_8);

    /** Starts the exporter and waits until it publishes, as the agent's first scrape would. */
    private Exporter started(AgentConfig config) {
        Exporter exporter = Exporter.start(config, log);
        assertThat(exporter.awaitPublishing(java.time.Duration.ofSeconds(10))).isTrue();
        return exporter;
    }

    private static void observeOneWindow(Exporter exporter, Object model, Object layerKey) {
        ModelMonitor monitor = exporter.monitors().registerModel(model, "multilayernetwork");
        LayerMonitor layer = exporter.monitors().registerLayer(layerKey, monitor,
                l -> new LayerDescriptor("dense", 0, "DenseLayer", "relu", false));
        layer.onActivations(new FloatTensorData(FloatBuffer.wrap(new float[]{0, 1, 0, 1})), 0, new long[]{2, 2},
                new long[]{2, 1}, null);
        monitor.onIterationDone(0.1);
    }

    @Test
    void servesTheSameMetersOverHttpAndJmx() throws Exception {
        // diagnoseAt=1: the layer observed here is 50% dead, which would otherwise be diagnosed on stderr
        AgentConfig config = AgentConfig.builder().port(0).sampleEvery(1).window(1).diagnoseAt(1).build();
        Object model = new Object();
        Object layer = new Object();
        String url;
        try (Exporter exporter = started(config)) {
            observeOneWindow(exporter, model, layer);
            url = exporter.endpoint().orElseThrow().url();

            String body = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(exporter.endpoint().orElseThrow().url())).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(body).contains("dl4j_layer_dead_units{activation=\"relu\",layer=\"dense\"",
                    "dl4j_layer_unit_activity_bucket{", "deadunit_agent_errors_total 0");

            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            Set<ObjectName> names = server.queryNames(new ObjectName(Exporter.JMX_DOMAIN + ":*"), null);
            assertThat(names).anySatisfy(name -> assertThat(name.toString()).contains("dl4jLayerDeadUnits"));
            ObjectName dead = names.stream().filter(n -> n.toString().contains("dl4jLayerDeadUnits.")).findFirst()
                    .orElseThrow();
            assertThat(((Number) server.getAttribute(dead, "Value")).doubleValue()).isEqualTo(1.0);
        }
        assertThat(stderr.toString(StandardCharsets.UTF_8)).isEqualTo("deadunit: serving " + url + "\n");
    }

    @Test
    void statisticsThreadFalseUpdatesWindowsOnTheTrainingThread() {
        AgentConfig.Builder config = AgentConfig.builder().port(0).jmx(false).summary(false);
        try (Exporter background = Exporter.start(config.build(), log);
             Exporter inline = Exporter.start(config.statisticsThread(false).build(), log)) {
            assertThat(background.monitors().updates().onCallingThread()).isFalse();
            assertThat(inline.monitors().updates().onCallingThread()).isTrue();
            Thread caller = Thread.currentThread();
            Thread[] ranOn = new Thread[1];
            inline.monitors().updates().submit(new java.util.concurrent.atomic.AtomicInteger(),
                    () -> ranOn[0] = Thread.currentThread());
            assertThat(ranOn[0]).as("run before submit returned, by its caller").isSameAs(caller);
        }
    }

    @ParameterizedTest(name = "statisticsThread={0}")
    @ValueSource(booleans = {true, false})
    void theWarmUpAfterTheFirstIterationPublishesNothing(boolean statisticsThread) throws Exception {
        AgentConfig config = AgentConfig.builder().port(0).sampleEvery(1).window(1).diagnoseAt(1).jmx(false)
                .statisticsThread(statisticsThread).build();
        try (Exporter exporter = started(config)) {
            assertThat(exporter.warmUpStarted()).as("no model trained yet").isFalse();
            Object model = new Object();
            observeOneWindow(exporter, model, new Object());
            Thread.sleep(300);
            assertThat(exporter.warmUpStarted()).as("after the first iteration only").isFalse();
            exporter.monitors().model(model).onIterationDone(0.1);
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (!exporter.warmUpStarted() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(exporter.warmUpStarted()).isTrue();
            assertThat(exporter.awaitWindowUpdates(java.time.Duration.ofSeconds(30))).isTrue();
            Thread.sleep(200); // the warm-up waits for its last windows: let it end
            String body = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(exporter.endpoint().orElseThrow().url())).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(body).contains("dl4j_layer_dead_units{activation=\"relu\",layer=\"dense\"",
                    "deadunit_agent_errors_total 0").doesNotContain("warm-up");
            assertThat(exporter.monitors().models()).extracting(ModelMonitor::name)
                    .containsExactly("multilayernetwork-0");
        }
    }

    @Test
    void servesWhichUnitsAndRegistersTheControlMBeanUntilClosed() throws Exception {
        // diagnoseAt=1: the layer observed here is 50% dead, which would otherwise be diagnosed on stderr
        AgentConfig config = AgentConfig.builder().port(0).sampleEvery(1).window(1).diagnoseAt(1).build();
        Object model = new Object();
        Object layer = new Object();
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName control = new ObjectName(AgentMBeanRegistration.OBJECT_NAME);
        String url;
        try (Exporter exporter = started(config)) {
            observeOneWindow(exporter, model, layer);
            MetricsEndpoint endpoint = exporter.endpoint().orElseThrow();

            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(endpoint.deadUnitsUrl())).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).startsWith("{\"models\":[{\"model\":\"multilayernetwork-0\"")
                    .contains("\"layer\":\"dense\"", "\"dead\":[0]", "\"firingRate\":[0,1]")
                    .isEqualTo(server.invoke(control, "deadUnitsJson", null, null));
            assertThat(server.getAttribute(control, "Port")).isEqualTo(endpoint.port());
            assertThat(server.getAttribute(control, "MetricsUrl")).isEqualTo(endpoint.url());
            url = endpoint.url();
        }
        assertThat(server.isRegistered(control)).isFalse();
        assertThat(stderr.toString(StandardCharsets.UTF_8)).isEqualTo("deadunit: serving " + url + "\n");
    }

    /** JMX (a quarter of a second of CPU) waits for the first training iteration: it stays out of start-up. */
    @Test
    void jmxStartsOnceAModelHasTrainedAnIteration() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName control = new ObjectName(AgentMBeanRegistration.OBJECT_NAME);
        try (Exporter exporter = Exporter.start(AgentConfig.builder().port(0).build(), log, Duration.ofMinutes(10))) {
            awaitUntil(() -> exporter.endpoint().isPresent());
            Thread.sleep(500); // several checks of the JMX poll
            assertThat(server.isRegistered(control)).as("control MBean before any training iteration").isFalse();

            ModelMonitor model = exporter.monitors().registerModel(new Object(), "multilayernetwork");
            model.onIterationDone(0.1);
            awaitUntil(() -> server.isRegistered(control));
            assertThat(server.queryNames(new ObjectName(Exporter.JMX_DOMAIN + ":*"), null)).as("meter MBeans")
                    .anySatisfy(name -> assertThat(name.toString()).contains("deadunitAgentErrors"));
        }
        assertThat(server.isRegistered(control)).isFalse();
    }

    /** A process that never trains (inference only) still gets JMX, once the deadline has passed. */
    @Test
    void jmxStartsAtTheDeadlineWithoutTraining() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName control = new ObjectName(AgentMBeanRegistration.OBJECT_NAME);
        try (Exporter exporter = Exporter.start(AgentConfig.builder().port(0).build(), log, Duration.ofMillis(300))) {
            awaitUntil(() -> server.isRegistered(control));
            assertThat(exporter.monitors().models()).isEmpty();
        }
    }

    /** A JMX start racing close() never leaves the control MBean behind (it did, and broke the next test). */
    @Test
    void closingWhileJmxStartsLeavesNoMBean() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName control = new ObjectName(AgentMBeanRegistration.OBJECT_NAME);
        for (int k = 0; k < 20; k++) {
            Exporter exporter = Exporter.start(AgentConfig.builder().port(0).build(), log, Duration.ZERO);
            Thread.sleep(k % 5 * 5); // close at different points of the start
            exporter.close();
            Thread.sleep(50);
            assertThat(server.isRegistered(control)).as("control MBean after close, round " + k).isFalse();
        }
    }

    private static void awaitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(condition.getAsBoolean()).as("condition within 30 s").isTrue();
    }

    /**
     * jmx=false holds after awaitPublishing too, which once queued a JMX start anyway: the MBeans then appeared a few
     * milliseconds later (and broke whichever test came next), so watch for a while rather than look once.
     */
    @Test
    void withoutJmxThereIsNoControlMBean() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName control = new ObjectName(AgentMBeanRegistration.OBJECT_NAME);
        AgentConfig config = AgentConfig.builder().port(0).jmx(false).build();
        try (Exporter exporter = started(config)) {
            exporter.monitors().registerModel(new Object(), "multilayernetwork").onIterationDone(0.1);
            assertThat(exporter.awaitPublishing(Duration.ofSeconds(10))).isTrue();
            long until = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            while (System.nanoTime() < until) {
                assertThat(server.isRegistered(control)).as("control MBean with jmx=false").isFalse();
                assertThat(server.queryNames(new ObjectName(Exporter.JMX_DOMAIN + ":*"), null)).as("meter MBeans")
                        .isEmpty();
                Thread.sleep(10);
            }
        }
    }

    @Test
    void aBusyPortIsOneLineOnStderrAndMetersStillWork() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            AgentConfig config = AgentConfig.builder().port(busy.getLocalPort()).jmx(false).build();
            try (Exporter exporter = started(config)) {
                assertThat(exporter.endpoint()).isEmpty();
                observeOneWindow(exporter, new Object(), new Object());
                assertThat(exporter.registry().find("dl4j.layer.units").gauge()).isNotNull();
            }
        }
        String[] lines = stderr.toString(StandardCharsets.UTF_8).split("\\R");
        assertThat(lines).hasSize(1);
        assertThat(lines[0]).startsWith("deadunit: ").contains("already in use", "port=");
    }

    @Test
    void summaryListsObservedLayers() {
        AgentConfig config = AgentConfig.builder().port(0).jmx(false).sampleEvery(1).window(1).build();
        Object model = new Object();
        Object layer = new Object();
        try (Exporter exporter = started(config)) {
            observeOneWindow(exporter, model, layer);
            assertThat(exporter.summary()).contains("multilayernetwork-0", "dense", "units     2", "dead     1");
        }
    }

    /** Issue 12, finding 5: the summary (exit and JMX) never reads the open window the training thread writes. */
    @Test
    void theSummaryReadsClosedWindowsOnly() {
        AgentConfig config = AgentConfig.builder().port(0).sampleEvery(1).window(3).diagnoseAt(1).build();
        Object model = new Object();
        Object layer = new Object();
        try (Exporter exporter = started(config)) {
            observeOneWindow(exporter, model, layer); // one iteration of a window of 3: still open

            assertThat(exporter.summary()).contains("dense", "units     2", "no window closed yet")
                    .doesNotContain("dead ");
        }
    }
}
