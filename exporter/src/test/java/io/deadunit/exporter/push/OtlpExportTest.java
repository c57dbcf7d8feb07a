package io.deadunit.exporter.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.deadunit.exporter.Exporter;
import io.deadunit.exporter.config.AgentConfig;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exports against an OTLP/HTTP receiver stand-in that decodes the requests with the opentelemetry-proto classes;
 * the agent's forked end-to-end test is {@code OtlpExportIT}.
 */
class OtlpExportTest {
    /** Longer than any test: the only export is the final one at close. */
    private static final int NEVER = 86_400;

    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final PrintStream log = new PrintStream(stderr, true, StandardCharsets.UTF_8);

    @Test
    void aUrlWithoutPathGetsTheMetricsPath() {
        assertThat(OtlpExport.metricsUrl(URI.create("http://otel:4318"))).hasToString("http://otel:4318/v1/metrics");
        assertThat(OtlpExport.metricsUrl(URI.create("http://otel:4318/"))).hasToString("http://otel:4318/v1/metrics");
        assertThat(OtlpExport.metricsUrl(URI.create("https://otel/custom/v1/metrics")))
                .hasToString("https://otel/custom/v1/metrics");
    }

    @Test
    void resourceIsServiceNameHostPidAndTheIdentity() {
        assertThat(OtlpResource.of(Map.of())).containsOnlyKeys("service.name", "host.name", "process.pid")
                .containsEntry("service.name", "deadunit")
                .containsEntry("process.pid", Long.toString(ProcessHandle.current().pid()));
        assertThat(OtlpResource.of(Map.of("service_name", "sweep", "trial", "3")))
                .containsEntry("service.name", "sweep").containsEntry("trial", "3");
    }

    @Test
    void theFinalExportAtCloseCarriesTheMetersTheIdentityAndTheCredentials(@TempDir Path dir) throws Exception {
        List<ExportMetricsServiceRequest> requests = new CopyOnWriteArrayList<>();
        List<String> meta = new CopyOnWriteArrayList<>();
        StubReceiver receiver = StubReceiver.answering200((exchange, body) -> {
            meta.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                    + exchange.getRequestHeaders().getFirst("Content-Type") + " "
                    + exchange.getRequestHeaders().getFirst("Authorization"));
            requests.add(ExportMetricsServiceRequest.parseFrom(body));
        });
        Path password = Files.writeString(dir.resolve("pw"), "s3cret");
        try {
            AgentConfig config = AgentConfig.builder().port(0).jmx(false).labels(Map.of("app", "sweep"))
                    .user("ops").passwordFile(password).otlpEvery(NEVER)
                    .otlp(receiver.url()).build();
            Exporter exporter = Exporter.start(config, log);
            assertThat(exporter.awaitPublishing(Duration.ofSeconds(10))).isTrue();
            assertThat(requests).as("no export before the first step").isEmpty();
            exporter.close();
        } finally {
            receiver.close();
        }
        assertThat(requests).as("the final export at close").hasSize(1);
        assertThat(meta).containsExactly("POST /v1/metrics application/x-protobuf Basic "
                + Base64.getEncoder().encodeToString("ops:s3cret".getBytes(StandardCharsets.UTF_8)));
        ResourceMetrics resource = requests.get(0).getResourceMetrics(0);
        assertThat(attributes(resource.getResource().getAttributesList()))
                .containsEntry("service.name", "deadunit").containsEntry("app", "sweep")
                .containsEntry("process.pid", Long.toString(ProcessHandle.current().pid()))
                .containsKey("host.name");
        Map<String, Metric> metrics = resource.getScopeMetricsList().stream()
                .flatMap(s -> s.getMetricsList().stream())
                .collect(Collectors.toMap(Metric::getName, m -> m, (a, b) -> a));
        Metric failures = metrics.get("deadunit.agent.otlp.failures");
        assertThat(failures).as("our failure counter among " + metrics.keySet()).isNotNull();
        assertThat(failures.getSum().getIsMonotonic()).isTrue();
        assertThat(failures.getSum().getAggregationTemporality())
                .isEqualTo(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
        assertThat(failures.getSum().getDataPoints(0).getAsDouble()).isZero();
        assertThat(attributes(failures.getSum().getDataPoints(0).getAttributesList()))
                .containsExactly(Map.entry("app", "sweep"));
        assertThat(stderr.toString(StandardCharsets.UTF_8)).doesNotContain("OTLP");
    }

    @Test
    void aDownReceiverIsOneLineAndACountAndCloseIsBounded() throws Exception {
        int closedPort = StubReceiver.closedPort();
        AgentConfig config = AgentConfig.builder().port(0).jmx(false).otlpEvery(1)
                .otlp(URI.create("http://127.0.0.1:" + closedPort + "/v1/metrics")).build();
        Exporter exporter = Exporter.start(config, log);
        assertThat(exporter.awaitPublishing(Duration.ofSeconds(10))).isTrue();
        Thread.sleep(3500);
        long start = System.nanoTime();
        exporter.close();
        Duration closing = Duration.ofNanos(System.nanoTime() - start);
        assertThat(closing).as("close with the receiver down").isLessThan(OtlpExport.CLOSE_BOUND.plusSeconds(1));
        double failures = exporter.registry().get("deadunit.agent.otlp.failures").counter().count();
        assertThat(failures).as("failed exports counted (periodic and final)").isGreaterThanOrEqualTo(2);
        String[] lines = stderr.toString(StandardCharsets.UTF_8).split("\\R");
        assertThat(lines).filteredOn(l -> l.contains("OTLP")).hasSize(1)
                .allSatisfy(l -> assertThat(l).startsWith("deadunit: cannot export to the OTLP receiver at http://127.0.0.1:"
                        + closedPort + "/v1/metrics (Connection refused); retrying, counted in"
                        + " deadunit_agent_otlp_failures_total, training continues."));
    }

    @Test
    void aReceiverThatNeverAnswersDelaysCloseByTheBoundOnly() throws Exception {
        List<Socket> held = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept()); // reads nothing, answers nothing
                    }
                } catch (Exception closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            AgentConfig config = AgentConfig.builder().port(0).jmx(false).otlpEvery(NEVER)
                    .otlp(URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/v1/metrics")).build();
            Exporter exporter = Exporter.start(config, log);
            assertThat(exporter.awaitPublishing(Duration.ofSeconds(10))).isTrue();
            long start = System.nanoTime();
            exporter.close();
            Duration closing = Duration.ofNanos(System.nanoTime() - start);
            assertThat(closing).as("close with a receiver that never answers")
                    .isGreaterThanOrEqualTo(OtlpExport.READ_TIMEOUT.minusMillis(100))
                    .isLessThan(OtlpExport.CLOSE_BOUND.plusSeconds(1));
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("deadunit: cannot export to the OTLP receiver");
    }

    private static Map<String, String> attributes(List<KeyValue> attributes) {
        return attributes.stream().collect(Collectors.toMap(KeyValue::getKey, kv -> kv.getValue().getStringValue()));
    }
}
