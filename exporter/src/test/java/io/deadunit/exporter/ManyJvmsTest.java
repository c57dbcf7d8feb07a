package io.deadunit.exporter;

import static org.assertj.core.api.Assertions.assertThat;

import io.deadunit.exporter.config.AgentConfig;
import io.deadunit.exporter.discovery.TargetFile;
import io.deadunit.exporter.monitor.LayerDescriptor;
import io.deadunit.exporter.monitor.LayerMonitor;
import io.deadunit.exporter.monitor.ModelMonitor;
import io.deadunit.exporter.stats.FloatTensorData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Port ranges, identity labels and the discovery file, in one JVM (the forked-JVM version is the grafana IT). */
class ManyJvmsTest {
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final PrintStream log = new PrintStream(stderr, true, StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private Exporter started(AgentConfig config) {
        Exporter exporter = Exporter.start(config, log);
        assertThat(exporter.awaitPublishing(Duration.ofSeconds(10))).isTrue();
        return exporter;
    }

    private static void observeOneWindow(Exporter exporter) {
        ModelMonitor monitor = exporter.monitors().registerModel(new Object(), "multilayernetwork");
        LayerMonitor layer = exporter.monitors().registerLayer(new Object(), monitor,
                l -> new LayerDescriptor("dense", 0, "DenseLayer", "relu", false));
        layer.onActivations(new FloatTensorData(FloatBuffer.wrap(new float[]{0, 1, 0, 1})), 0, new long[]{2, 2},
                new long[]{2, 1}, null);
        monitor.onIterationDone(0.1);
    }

    /** Three consecutive ports with the first two taken (their numbers are whatever the OS gives). */
    @Test
    void aRangeTakesTheFirstFreePortAndSaysWhichOnce() throws Exception {
        int expected;
        try (PortBlock block = PortBlock.find(3)) {
            block.occupy(0);
            block.occupy(1);
            expected = block.first + 2;
            AgentConfig config = AgentConfig.builder().portRange(block.first, block.first + 2).jmx(false).build();
            try (Exporter exporter = started(config)) {
                assertThat(exporter.endpoint().orElseThrow().port()).isEqualTo(expected);
            }
        }
        assertThat(stderr.toString(StandardCharsets.UTF_8).split("\\R"))
                .containsExactly("deadunit: serving http://127.0.0.1:" + expected + "/metrics");
    }

    @Test
    void aRangeWithoutAFreePortIsOneLineAndMetersStillWork() throws Exception {
        try (PortBlock block = PortBlock.find(2)) {
            block.occupy(0);
            block.occupy(1);
            AgentConfig config = AgentConfig.builder().portRange(block.first, block.first + 1).jmx(false).build();
            try (Exporter exporter = started(config)) {
                assertThat(exporter.endpoint()).isEmpty();
                observeOneWindow(exporter);
                assertThat(exporter.registry().find("dl4j.layer.units").gauge()).isNotNull();
            }
            String[] lines = stderr.toString(StandardCharsets.UTF_8).split("\\R");
            assertThat(lines).containsExactly("deadunit: no free port in " + block.first + "-" + (block.first + 1)
                    + " on 127.0.0.1; widen the range or use port=0 (any free port). Metrics are not served over"
                    + " HTTP; training continues.");
        }
    }

    @Test
    void labelsAreOnEverySeriesAndInTheDiscoveryFileWhichIsRemovedAtClose() throws Exception {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app", "sweep-7");
        labels.put("trial", "3");
        AgentConfig config = AgentConfig.builder().port(0).jmx(false).sampleEvery(1).window(1).diagnoseAt(1)
                .labels(labels).targetsDir(dir).build();
        try (Exporter exporter = started(config)) {
            observeOneWindow(exporter);
            int port = exporter.endpoint().orElseThrow().port();
            String body = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(exporter.endpoint().orElseThrow().url())).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            List<String> series = Stream.of(body.split("\n")).filter(l -> !l.startsWith("#") && !l.isBlank())
                    .collect(Collectors.toList());
            assertThat(series).hasSizeGreaterThan(20)
                    .allSatisfy(l -> assertThat(l).contains("app=\"sweep-7\"", "trial=\"3\""));
            assertThat(series).anySatisfy(l -> assertThat(l).startsWith("dl4j_layer_unit_activity_bucket{"));
            assertThat(series).anySatisfy(l -> assertThat(l).startsWith("deadunit_agent_errors_total{"));

            List<Path> files = list(dir);
            assertThat(files).extracting(p -> p.getFileName().toString())
                    .containsExactly("deadunit-" + ProcessHandle.current().pid() + "-" + port + ".json");
            assertThat(Files.readString(files.get(0))).isEqualTo("[{\"targets\":[\"127.0.0.1:" + port
                    + "\"],\"labels\":{\"app\":\"sweep-7\",\"trial\":\"3\",\"" + TargetFile.ORIGIN_LABEL + "\":\""
                    + TargetFile.origin().orElseThrow() + "\"}}]\n");
        }
        assertThat(list(dir)).as("nothing left in targetsDir after close").isEmpty();
    }

    @Test
    void anUnwritableTargetsDirIsOneLineAndTheEndpointStillServes() throws Exception {
        Path gone = dir.resolve("removed-after-parsing");
        AgentConfig config = AgentConfig.builder().port(0).jmx(false).targetsDir(gone).build();
        try (Exporter exporter = started(config)) {
            assertThat(exporter.endpoint()).isPresent();
        }
        List<String> lines = List.of(stderr.toString(StandardCharsets.UTF_8).split("\\R"));
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("deadunit: serving http://127.0.0.1:");
        assertThat(lines.get(1)).startsWith("deadunit: cannot write the discovery file in targetsDir " + gone)
                .endsWith("Training continues.");
    }

    private static List<Path> list(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.collect(Collectors.toList());
        }
    }

    /** Consecutive free ports, found by trying; those to occupy are bound on 127.0.0.1 by this test. */
    static final class PortBlock implements AutoCloseable {
        final int first;
        private final List<ServerSocket> held = new ArrayList<>();

        private PortBlock(int first) {
            this.first = first;
        }

        static PortBlock find(int size) throws Exception {
            for (int attempt = 0; attempt < 50; attempt++) {
                int first;
                try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                    first = probe.getLocalPort();
                }
                if (first + size - 1 > 65535) {
                    continue;
                }
                if (allFree(first, size)) {
                    return new PortBlock(first);
                }
            }
            throw new IllegalStateException("no block of " + size + " free ports");
        }

        private static boolean allFree(int first, int size) {
            for (int p = first; p < first + size; p++) {
                try (ServerSocket s = new ServerSocket(p, 50, InetAddress.getLoopbackAddress())) {
                    // free
                } catch (Exception e) {
                    return false;
                }
            }
            return true;
        }

        void occupy(int offset) throws Exception {
            held.add(new ServerSocket(first + offset, 50, InetAddress.getLoopbackAddress()));
        }

        @Override
        public void close() throws Exception {
            for (ServerSocket s : held) {
                s.close();
            }
        }
    }
}
