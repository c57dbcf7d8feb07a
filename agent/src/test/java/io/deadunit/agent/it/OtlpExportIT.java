package io.deadunit.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, item 5: a trainer under {@code otlp=...,otlpEvery=1,labels=...} exports to an OTLP/HTTP receiver started
 * here (Debian's Prometheus 2.42 cannot receive OTLP). It trains, holds, and is stopped with SIGTERM: an export
 * arrives after the SIGTERM (the shutdown hook's final export), and its per-layer dead units, units and iterations
 * equal the trainer's own ground truth, with the layer labels, the identity and {@code service.name} as attributes.
 */
class OtlpExportIT {
    static final int W = 20;
    static final int FORCED_DEAD = 5;
    static final Duration EXIT_WITHIN = Duration.ofSeconds(20);

    @Test
    void exportsTheMetersWithTheIdentityAndOnceMoreAfterSigterm() throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver();
                ForkedTrainer t = ForkedTrainer.trainer("DeadLayerTrainer")
                        .name("OtlpExport")
                        .agentArgs("port=0,sampleEvery=1,window=" + W + ",otlp=" + receiver.url()
                                + ",otlpEvery=1,labels=app:otlp-it;trial:3")
                        .args("--deadUnits", Integer.toString(FORCED_DEAD), "--iterations", Integer.toString(3 * W),
                                "--window", Integer.toString(W), "--groundTruth", "gt.json", "--seed", "11")
                        .start()) {
            t.awaitDone();
            GroundTruthFile gt = GroundTruthFile.read(t.file("gt.json"));
            assertThat(gt.layer("hidden1").dead()).isGreaterThanOrEqualTo(FORCED_DEAD);

            // Periodic exports: one with every iteration counted arrives while the trainer holds.
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!receiver.exports().stream().anyMatch(e -> iterations(e) == gt.steps())
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(receiver.exports()).as("a periodic export counting %d iterations%s", gt.steps(), t.describe())
                    .anyMatch(e -> iterations(e) == gt.steps());

            long sigterm = System.nanoTime();
            // SIGTERM alone: Process.destroy() also closes the child's stdin, which ends --hold and races the signal.
            t.process().toHandle().destroy();
            assertThat(t.waitForExit(EXIT_WITHIN)).as("exit code after SIGTERM" + t.describe()).isEqualTo(143);
            List<OtlpReceiver.Export> after = receiver.exports().stream().filter(e -> e.arrivedNanos > sigterm)
                    .collect(Collectors.toList());
            assertThat(after).as("an export after SIGTERM (the final one)" + t.describe()).isNotEmpty();
            OtlpReceiver.Export last = after.get(after.size() - 1);
            Files.write(t.file("otlp-last-export.txt"), last.toString().getBytes(StandardCharsets.UTF_8));

            SoftAssertions soft = new SoftAssertions();
            soft.assertThat(last.path).isEqualTo("/v1/metrics");
            soft.assertThat(last.resource()).as("resource attributes")
                    .containsEntry("service.name", "deadunit")
                    .containsEntry("app", "otlp-it").containsEntry("trial", "3")
                    .containsEntry("process.pid", Long.toString(t.process().pid()))
                    .containsKey("host.name");
            Map<String, Metric> metrics = last.metrics();
            soft.assertThat(metrics.keySet()).as("metric names").contains("dl4j.layer.units", "dl4j.layer.dead.units",
                    "dl4j.layer.dead.units.ratio", "dl4j.training.iterations", "dl4j.model.score",
                    "deadunit.agent.errors", "deadunit.agent.otlp.failures");

            Metric iterations = metrics.get("dl4j.training.iterations");
            soft.assertThat(iterations.hasSum() && iterations.getSum().getIsMonotonic()
                    && iterations.getSum().getAggregationTemporality()
                    == AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                    .as("iterations: a cumulative monotonic sum, %s", iterations).isTrue();
            soft.assertThat(iterations(last)).as("iterations; ground truth steps").isEqualTo(gt.steps());
            soft.assertThat(metrics.get("dl4j.layer.dead.units").hasGauge()).as("dead units: a gauge").isTrue();

            for (GroundTruthFile.Layer l : gt.layers().values()) {
                NumberDataPoint units = last.point("dl4j.layer.units", Map.of("layer", l.name));
                NumberDataPoint dead = last.point("dl4j.layer.dead.units", Map.of("layer", l.name));
                if (units == null || dead == null) {
                    soft.fail("no dl4j.layer.units / dl4j.layer.dead.units point for %s", l.name);
                    continue;
                }
                soft.assertThat(units.getAsDouble()).as("%s units; ground truth %s", l.name, l).isEqualTo(l.units());
                soft.assertThat(dead.getAsDouble()).as("%s dead units; ground truth %s", l.name, l)
                        .isEqualTo(l.dead());
                Map<String, String> attributes = OtlpReceiver.attributes(dead.getAttributesList());
                soft.assertThat(attributes).as("%s attributes", l.name)
                        .containsOnlyKeys("model", "layer", "layer_index", "layer_type", "activation", "app", "trial")
                        .containsEntry("layer_index", Integer.toString(l.index()))
                        .containsEntry("layer_type", l.type())
                        .containsEntry("activation", l.activation())
                        .containsEntry("app", "otlp-it").containsEntry("trial", "3");
            }
            soft.assertThat(value(last, "deadunit.agent.errors")).as("agent errors").isZero();
            soft.assertThat(value(last, "deadunit.agent.otlp.failures")).as("failed exports").isZero();
            soft.assertThat(t.stderr()).doesNotContain("cannot export", "Exception");
            soft.assertAll();
        }
    }

    @Test
    void aDownReceiverAndBadValuesAreOneLineEachAndTrainingCarriesOn() {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (ForkedTrainer down = ForkedTrainer.trainer("DeadLayerTrainer")
                .name("OtlpDown")
                .agentArgs("port=0,otlp=http://127.0.0.1:" + closedPort + "/v1/metrics")
                .env("DEADUNIT_SUMMARY", "false")
                .args("--iterations", "10")
                .hold(false)
                .start();
                ForkedTrainer bad = ForkedTrainer.trainer("DeadLayerTrainer")
                        .name("OtlpBadValues")
                        .agentArgs("port=0,otlp=ftp://127.0.0.1/v1/metrics,otlpEvery=0")
                        .env("DEADUNIT_SUMMARY", "false")
                        .args("--iterations", "10")
                        .hold(false)
                        .start()) {
            down.awaitDone();
            bad.awaitDone();
            assertThat(down.waitForExit(EXIT_WITHIN)).as("exit code" + down.describe()).isZero();
            assertThat(bad.waitForExit(EXIT_WITHIN)).as("exit code" + bad.describe()).isZero();
            assertThat(agentLines(down)).as("agent lines with the receiver down" + down.describe())
                    .containsExactly("deadunit: cannot export to the OTLP receiver at http://127.0.0.1:" + closedPort
                            + "/v1/metrics (Connection refused); retrying, counted in"
                            + " deadunit_agent_otlp_failures_total, training continues.");
            List<String> badLines = agentLines(bad);
            assertThat(badLines).as("agent lines with bad values" + bad.describe()).hasSize(1);
            assertThat(badLines.get(0)).contains("otlp", "otlpEvery", "http:// or https://");
        }
    }

    private static List<String> agentLines(ForkedTrainer t) {
        return t.stderrLines().stream().filter(l -> l.startsWith("deadunit:"))
                .filter(l -> !l.startsWith("deadunit: serving ")).collect(Collectors.toList());
    }

    private static double iterations(OtlpReceiver.Export e) {
        return value(e, "dl4j.training.iterations");
    }

    /** The single point of a metric without layer labels; NaN when absent. */
    private static double value(OtlpReceiver.Export e, String name) {
        List<NumberDataPoint> points = e.points(name);
        return points.size() == 1 ? points.get(0).getAsDouble() : Double.NaN;
    }
}
