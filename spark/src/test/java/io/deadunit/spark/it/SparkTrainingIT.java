package io.deadunit.spark.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.deadunit.agent.it.PrometheusText;

import org.junit.jupiter.api.Test;

/**
 * A DL4J job on a Spark cluster whose executors are separate JVMs ({@code local-cluster[2,1,1024]}), with the agent
 * attached only through {@code spark.executor.extraJavaOptions} (and the driver's own {@code -javaagent}, as the
 * driver holds the averaged model). The job never mentions deadunit; ground truth comes from a plain DL4J listener
 * that the training master hands to every worker copy inside each executor ({@code DeadUnitsGroundTruth}).
 *
 * <p>Checks: every executor serves its own endpoint; every worker copy it trained is there, each copy's dead units
 * per layer equal that executor's ground truth for that copy, its iterations equal the forward passes the listener
 * saw; no agent error anywhere; and the averaged parameters are bitwise those of the same job without the agent
 * (run at the same time, in a cluster of its own).
 *
 * <p>Each executor's port: {@code port=P{{EXECUTOR_ID}}} with a free prefix P, Spark filling in the executor id.
 */
class SparkTrainingIT {
    static final int EXECUTORS = 2;
    static final int EPOCHS = 3;
    static final int FREQUENCY = 5;
    static final int DEAD = 3;
    static final int RARE = 6;
    static final Duration TRAINING_TIMEOUT = Duration.ofMinutes(6);

    @Test
    void everyExecutorsWorkerCopiesMatchTheirGroundTruthAndTrainingIsUnchanged() throws IOException {
        Path dir = SparkItEnv.runDir("SparkTrainingIT");
        int prefix = SparkItEnv.freePortPrefix(EXECUTORS);
        int driverPort = SparkItEnv.freePort();
        String agent = "-javaagent:" + SparkItEnv.agentJar() + "=";
        Path groundTruth = dir.resolve("ground-truth");
        Path paramsWith = dir.resolve("params-with-agent.bin");
        Path paramsWithout = dir.resolve("params-without-agent.bin");

        // The same job without the agent, at the same time: most of either job's time is JVM start-up and native
        // library loading, which overlap well; the parameters are compared at the end.
        try (SparkJob plain = SparkJob.job("without-agent", EXECUTORS)
                .args(jobArgs(paramsWithout))
                .start(dir.resolve("without-agent"));
             SparkJob job = SparkJob.job("with-agent", EXECUTORS)
                .driverJavaOptions(agent + "port=" + driverPort)
                .executorJavaOptions(agent + "port=" + prefix + "{{EXECUTOR_ID}},sampleEvery=1,window=" + FREQUENCY
                        + ",labels=app:{{APP_ID}};executor:{{EXECUTOR_ID}}")
                .args(jobArgs(paramsWith))
                .args("--groundTruthDir", groundTruth.toString(), "--hold")
                .start(dir.resolve("with-agent"))) {
            job.awaitDone(TRAINING_TIMEOUT);

            int copies = 0;
            Set<String> appIds = new TreeSet<>();
            for (int executor = 0; executor < EXECUTORS; executor++) {
                List<GroundTruthCopy> truth = GroundTruthCopy.readAll(groundTruth.resolve("executor-" + executor));
                assertThat(truth).as("worker copies trained by executor %d", executor).isNotEmpty();
                copies += truth.size();
                List<String> expectedModels = truth.stream().map(c -> "multilayernetwork-" + c.ordinal)
                        .collect(Collectors.toList());
                int port = prefix * 10 + executor;
                PrometheusText p = scrapeUntil(port, t -> t.labelValues("dl4j_training_iterations_total", Map.of(),
                        "model").containsAll(expectedModels) && truth.stream().allMatch(c -> published(t, c)),
                        job);

                assertThat(new TreeSet<>(p.labelValues("dl4j_training_iterations_total", Map.of(), "model")))
                        .as("executor %d: one model per worker copy, no other", executor)
                        .isEqualTo(new TreeSet<>(expectedModels));
                for (GroundTruthCopy c : truth) {
                    String model = "multilayernetwork-" + c.ordinal;
                    assertThat(p.value("dl4j_training_iterations_total", Map.of("model", model)))
                            .as("executor %d %s iterations", executor, model).isEqualTo(c.passes);
                    for (Map.Entry<String, int[]> layer : c.layers.entrySet()) {
                        Map<String, String> labels = Map.of("model", model, "layer", layer.getKey());
                        assertThat(p.value("dl4j_layer_units", labels))
                                .as("executor %d %s %s units", executor, model, layer.getKey())
                                .isEqualTo(layer.getValue()[0]);
                        assertThat(p.value("dl4j_layer_dead_units", labels))
                                .as("executor %d %s %s dead units", executor, model, layer.getKey())
                                .isEqualTo(layer.getValue()[1]);
                    }
                    assertThat(c.layers.get("hidden1")[1]).as("forced dead units").isGreaterThanOrEqualTo(DEAD);
                }
                assertThat(p.value("deadunit_agent_errors_total", Map.of())).as("executor %d errors", executor)
                        .isZero();
                // Identity: Spark filled {{APP_ID}} and {{EXECUTOR_ID}} into the labels key of every executor.
                String executorId = Integer.toString(executor);
                for (String meter : IDENTIFIED_METERS) {
                    assertThat(p.find(meter)).as("executor %s: series of %s", executorId, meter).isNotEmpty()
                            .allSatisfy(sample -> {
                                assertThat(sample.label("executor")).as("executor label").isEqualTo(executorId);
                                assertThat(sample.label("app")).as("app label").isNotBlank();
                            });
                    appIds.addAll(p.labelValues(meter, Map.of(), "app"));
                }
            }
            assertThat(appIds).as("one application id across executors").hasSize(1);
            assertThat(copies).as("one worker copy per partition and round").isEqualTo(EXECUTORS * EPOCHS);
            assertThat(scrape(driverPort).value("deadunit_agent_errors_total", Map.of())).as("driver errors")
                    .isZero();
            assertThat(job.finish(Duration.ofSeconds(90))).as("driver exit code").isZero();

            plain.awaitDone(TRAINING_TIMEOUT);
            assertThat(plain.waitForExit(Duration.ofSeconds(90))).as("driver exit code without agent").isZero();
        }
        assertThat(Files.readAllBytes(paramsWith)).as("averaged parameters with and without the agent")
                .isEqualTo(Files.readAllBytes(paramsWithout));
    }

    /** Meters whose every series must carry the executor's identity labels. */
    private static final List<String> IDENTIFIED_METERS = List.of("dl4j_training_iterations_total",
            "dl4j_layer_units", "dl4j_layer_dead_units", "deadunit_agent_errors_total");

    private static String[] jobArgs(Path params) {
        return new String[] {"--workers", Integer.toString(EXECUTORS), "--epochs", Integer.toString(EPOCHS),
                "--averagingFrequency", Integer.toString(FREQUENCY), "--deadUnits", Integer.toString(DEAD),
                "--rareUnits", Integer.toString(RARE), "--params", params.toString()};
    }

    private static boolean published(PrometheusText t, GroundTruthCopy c) {
        return t.find("dl4j_layer_dead_units", Map.of("model", "multilayernetwork-" + c.ordinal)).size()
                >= c.layers.size();
    }

    private static PrometheusText scrapeUntil(int port, Predicate<PrometheusText> ready, SparkJob job) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                PrometheusText t = scrape(port);
                if (ready.test(t) || System.nanoTime() > deadline) {
                    return t;
                }
            } catch (UncheckedIOException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no endpoint on port " + port + job.describe(), e);
                }
            }
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static PrometheusText scrape(int port) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(10)).GET().build();
        try {
            HttpResponse<String> resp = client.send(req, HttpResponse.BodyHandlers.ofString());
            assertThat(resp.statusCode()).as("GET /metrics on port %d", port).isEqualTo(200);
            return PrometheusText.parse(resp.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** One worker copy as DeadUnitsGroundTruth saw it: forward passes, and per layer {units, dead}. */
    static final class GroundTruthCopy {
        final int ordinal;
        final int passes;
        final Map<String, int[]> layers = new java.util.LinkedHashMap<>();

        private GroundTruthCopy(String json) {
            ordinal = intField(json, "ordinal");
            passes = intField(json, "passes");
            java.util.regex.Matcher m = java.util.regex.Pattern
                    .compile("\"(\\w+)\": \\{\"units\": (\\d+), \"dead\": (\\d+)\\}").matcher(json);
            while (m.find()) {
                layers.put(m.group(1), new int[] {Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))});
            }
        }

        static List<GroundTruthCopy> readAll(Path dir) throws IOException {
            if (!Files.isDirectory(dir)) {
                return List.of();
            }
            List<GroundTruthCopy> out = new ArrayList<>();
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(f -> f.toString().endsWith(".json")).sorted()
                        .collect(Collectors.toList())) {
                    out.add(new GroundTruthCopy(new String(Files.readAllBytes(f), StandardCharsets.UTF_8)));
                }
            }
            return out;
        }

        private static int intField(String json, String name) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + name + "\": (\\d+)").matcher(json);
            if (!m.find()) {
                throw new AssertionError("no " + name + " in " + json);
            }
            return Integer.parseInt(m.group(1));
        }
    }
}
