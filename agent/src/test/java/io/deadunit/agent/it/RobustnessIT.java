package io.deadunit.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

/**
 * Awkward but legal training setups: both workspace modes, NaN in the data, batches of one, masked variable-length
 * sequences, and a long run. Training always finishes normally and the agent's figures stay right.
 */
class RobustnessIT {

    private static Map<String, Double> deadUnitsByLayer(String... trainerArgs) {
        try (ForkedTrainer t = ForkedTrainer.trainer("RobustnessTrainer")
                .agentArgs("sampleEvery=1,window=10")
                .args(trainerArgs)
                .start()) {
            t.awaitDone();
            PrometheusText p = t.scrapeUntil(s -> s.find("dl4j_layer_dead_units").size() == 3, Duration.ofSeconds(20));
            Map<String, Double> dead = new TreeMap<>();
            p.find("dl4j_layer_dead_units").forEach(s -> dead.put(s.labels.get("layer"), s.value));
            assertThat(t.finish()).isZero();
            return dead;
        }
    }

    @Test
    void workspaceModesNoneAndEnabledGiveTheSameCounts() {
        String[] common = {"--deadUnits", "4", "--updater", "none", "--iterations", "20"};
        Map<String, Double> none = deadUnitsByLayer(concat(common, "--workspaces", "none"));
        Map<String, Double> enabled = deadUnitsByLayer(concat(common, "--workspaces", "enabled"));

        assertThat(none).containsOnlyKeys("hidden0", "hidden1", "output");
        assertThat(none.get("hidden1")).isGreaterThanOrEqualTo(4);
        assertThat(enabled).isEqualTo(none);
    }

    @Test
    void nonFiniteActivationsAreCountedAndTrainingGoesOn() {
        try (ForkedTrainer t = ForkedTrainer.trainer("RobustnessTrainer")
                .agentArgs("sampleEvery=1,window=5")
                .args("--nan", "true", "--iterations", "10")
                .start()) {
            t.awaitDone();
            PrometheusText p = t.scrapeUntil(s -> s.optionalValue("dl4j_nonfinite_values_total",
                    Map.of("layer", "hidden0", "phase", "forward")).isPresent(), Duration.ofSeconds(20));
            assertThat(p.value("dl4j_nonfinite_values_total", Map.of("layer", "hidden0", "phase", "forward")))
                    .isPositive();
            assertThat(p.value("deadunit_agent_errors_total", Map.of())).isZero();
            assertThat(t.finish()).isZero();
        }
    }

    @Test
    void batchesOfOneWork() {
        try (ForkedTrainer t = ForkedTrainer.trainer("RobustnessTrainer")
                .agentArgs("sampleEvery=1,window=5")
                .args("--batch", "1", "--iterations", "10")
                .start()) {
            t.awaitDone();
            PrometheusText p = t.scrapeUntil(s -> s.find("dl4j_layer_dead_units").size() == 3, Duration.ofSeconds(20));
            assertThat(p.value("dl4j_layer_units", Map.of("layer", "hidden0"))).isEqualTo(24);
            assertThat(p.value("dl4j_layer_units", Map.of("layer", "output"))).isEqualTo(4);
            assertThat(p.value("deadunit_agent_errors_total", Map.of())).isZero();
            assertThat(t.finish()).isZero();
        }
    }

    /** A quarter of all time steps are padding, where DL4J's LSTM outputs exactly 0: they must not count. */
    @Test
    void maskedTimeStepsAreNotEvidenceOfInactivity() {
        try (ForkedTrainer t = ForkedTrainer.trainer("RobustnessTrainer")
                .agentArgs("sampleEvery=1,window=5")
                .args("--model", "masked-lstm", "--iterations", "10")
                .start()) {
            t.awaitDone();
            PrometheusText p = t.scrapeUntil(s -> s.optionalValue("dl4j_layer_activation_zero_ratio",
                    Map.of("layer", "lstm")).isPresent(), Duration.ofSeconds(20));
            assertThat(p.value("dl4j_layer_units", Map.of("layer", "lstm"))).isEqualTo(12);
            assertThat(p.value("dl4j_layer_activation_zero_ratio", Map.of("layer", "lstm"))).isLessThan(0.05);
            assertThat(p.value("dl4j_layer_dead_units", Map.of("layer", "lstm"))).isZero();
            assertThat(t.finish()).isZero();
        }
    }

    /**
     * The agent's own objects (every class under io.deadunit, shaded libraries included) take the same heap after
     * 2,000 and after 10,000 iterations; the trainer's whole heap is too noisy to judge the agent by. Measured on
     * live objects with jcmd GC.class_histogram (which runs a full GC first).
     */
    @Test
    void tenThousandIterationsGrowNoAgentHeapAndLeakNoWorkspace() throws Exception {
        try (ForkedTrainer t = ForkedTrainer.trainer("RobustnessTrainer")
                .agentArgs("sampleEvery=1,window=10")
                .args("--iterations", "10000", "--batch", "4", "--reportHeapEvery", "2000")
                .start()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
            while (!t.stdout().contains("HEAP 2000 ") && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            long early = agentHeapBytes(t.process().pid());
            t.awaitDone(Duration.ofSeconds(300));
            long late = agentHeapBytes(t.process().pid());
            assertThat(t.finish()).isZero();
            assertThat(early).as("the agent's objects are seen").isPositive();
            assertThat(late - early).as("agent heap growth from 2,000 to 10,000 iterations, bytes")
                    .isLessThan(256 * 1024);
            assertThat(t.stderr().toLowerCase()).doesNotContain("leak", "outside of", "workspace");
        }
    }

    /** Bytes of live instances of the agent's classes, from a class histogram of the trainer's JVM. */
    private static long agentHeapBytes(long pid) throws Exception {
        Process jcmd = new ProcessBuilder(
                java.nio.file.Paths.get(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid), "GC.class_histogram").redirectErrorStream(true).start();
        String out = new String(jcmd.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(jcmd.waitFor()).as(out).isZero();
        long bytes = 0;
        for (String line : out.split("\\R")) {
            String[] f = line.trim().split("\\s+");
            // "num: #instances #bytes class-name (module)"
            if (f.length >= 4 && f[3].startsWith("io.deadunit.")) {
                bytes += Long.parseLong(f[2]);
            }
        }
        return bytes;
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
