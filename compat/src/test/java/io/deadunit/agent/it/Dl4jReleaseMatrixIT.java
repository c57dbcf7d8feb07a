package io.deadunit.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The agent jar (built against DL4J 1.0.0-M2.1) on the DL4J release of this module ({@code deadunit.compat.release}):
 * each fixture trainer, compiled against that release, runs twice at the same time in forked JVMs with the same
 * seed: once under {@code -javaagent} (every iteration sampled) writing the ground truth of its own DL4J listener
 * and its final parameters, once without the agent writing its final parameters. Required:
 * <ul>
 * <li>the agent's per-layer figures equal the ground truth computed in the same JVM: units, dead units and their
 * ratio, layer index, activation label, saturated and dormant units, zero ratio, mean, stddev (and, for the dense
 * MLP, zero-gradient units, gradient norm, unit-activity histogram and score); optimizer steps counted;</li>
 * <li>{@code deadunit_agent_errors_total} is 0, stderr carries no agent failure, and the agent's "this DL4J
 * version differs" line is exactly the one {@link #HOOK_LINES} expects for the release (none on these four);</li>
 * <li>the final parameters are bitwise identical with and without the agent; both JVMs exit 0.</li>
 * </ul>
 * {@code deadunit.compat.fixtures=smoke} runs only the fixtures marked smoke (the default for older releases, to
 * keep CI short); {@code all} runs every one.
 */
class Dl4jReleaseMatrixIT {

    static final String HOOK_LINE = "deadunit: this DL4J version differs";

    /**
     * The exact line the agent's HookCheck must print on each release (none: {@link Dl4jReleaseHooksIT} shows every
     * hooked method exists in all four). A release that lacks a hook is listed with the line naming what is off.
     */
    static final Map<String, List<String>> HOOK_LINES = Map.of(
            "1.0.0-beta7", List.of(),
            "1.0.0-M1.1", List.of(),
            "1.0.0-M2", List.of(),
            "1.0.0-M2.1", List.of());

    /** stderr lines that mean the agent failed. */
    static final List<String> FAILURE_LINES = List.of(
            "deadunit: internal error",
            "deadunit: the agent could not start",
            "deadunit: the instrumentation was not ready");

    enum Fixture {
        MLP(true, "DeadLayerTrainer", 20, e -> {
            e.score();
            e.stats(null);
            e.gradients();
            e.activityHistogramSingleWindow(null);
        }, "--deadUnits", "5", "--iterations", "20", "--seed", "11"),
        CNN(false, "CnnTrainer", 8, e -> e.stats(List.of("conv1", "pool1", "conv2", "dense")),
                "--format", "NCHW", "--deadChannels", "3", "--iterations", "16"),
        CNN_NHWC(false, "CnnTrainer", 8, e -> e.stats(List.of("conv1", "pool1", "conv2", "dense")),
                "--format", "NHWC", "--deadChannels", "3", "--iterations", "16"),
        LSTM(false, "LstmTrainer", 8, e -> e.stats(List.of("lstm", "rnn")),
                "--format", "NCW", "--deadUnits", "3", "--iterations", "16"),
        // 20 steps in segments of 5: 4 optimizer steps per minibatch, forward through rnnActivateUsingStoredState
        LSTM_TBPTT(false, "LstmTrainer", 8, e -> e.stats(List.of("lstm", "rnn")),
                "--format", "NCW", "--deadUnits", "3", "--iterations", "4", "--tbptt", "5"),
        GRAPH(true, "GraphTrainer", 10, e -> e.stats(List.of("dense_a", "dense_b", "dense_c")),
                "--deadUnits", "4", "--iterations", "20");

        final boolean smoke;
        final String trainer;
        final int window;
        final Consumer<LayerExpectations> checks;
        final String[] args;

        Fixture(boolean smoke, String trainer, int window, Consumer<LayerExpectations> checks,
                String... args) {
            this.smoke = smoke;
            this.trainer = trainer;
            this.window = window;
            this.checks = checks;
            this.args = args;
        }

        String[] trainerArgs() {
            List<String> a = new ArrayList<>(Arrays.asList(args));
            a.addAll(List.of("--window", Integer.toString(window), "--groundTruth", "gt.json", "--params",
                    "params.bin"));
            return a.toArray(new String[0]);
        }
    }

    static String release() {
        String r = System.getProperty("deadunit.compat.release");
        if (r == null || r.isBlank()) {
            throw new IllegalStateException("deadunit.compat.release not set (run through the compat module's pom)");
        }
        return r;
    }

    static Stream<Fixture> fixtures() {
        String which = System.getProperty("deadunit.compat.fixtures", "all");
        if (!which.equals("all") && !which.equals("smoke")) {
            throw new IllegalArgumentException("deadunit.compat.fixtures must be all or smoke, not " + which);
        }
        return Arrays.stream(Fixture.values()).filter(f -> which.equals("all") || f.smoke);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void agentMatchesGroundTruthAndLeavesTrainingUnchanged(Fixture f) throws IOException {
        String run = release() + "-" + f.name().toLowerCase();
        // Both JVMs train at once (one core each, OMP_NUM_THREADS=1): half the wall time of running them in turn.
        try (ForkedTrainer with = ForkedTrainer.trainer(f.trainer).name(run + "-agent")
                     .agentArgs("sampleEvery=1,window=" + f.window).args(f.trainerArgs()).start();
             ForkedTrainer without = ForkedTrainer.trainer(f.trainer).name(run + "-plain")
                     .withoutAgent().hold(false).args(f.trainerArgs()).start()) {
            with.awaitDone(ForkedTrainer.DEFAULT_TIMEOUT);
            GroundTruthFile gt = GroundTruthFile.read(with.file("gt.json"));
            assertThat(gt.layers()).as("ground-truth layers of %s", f).isNotEmpty();
            assertThat(gt.layers().values().stream().mapToInt(GroundTruthFile.Layer::dead).sum())
                    .as("dead units in the ground truth of %s (its construction forces some)", f).isPositive();

            PrometheusText p = LayerExpectations.scrapeTrained(with, gt);
            String model = LayerExpectations.model(p, with);
            SoftAssertions soft = new SoftAssertions();
            LayerExpectations e = new LayerExpectations(soft, p, model, gt);
            soft.assertThat(p.labelValues("dl4j_layer_units", Map.of("model", model), "layer"))
                    .as("layers the agent reports on %s", release())
                    .containsExactlyInAnyOrderElementsOf(gt.layers().keySet());
            e.iterations();
            e.noAgentErrors();
            e.unitsAndDead(null);
            e.activationLabels(null);
            e.saturated(null);
            f.checks.accept(e);
            soft.assertThat(linesStartingWith(with, List.of(HOOK_LINE)))
                    .as("the agent's line on missing hooks for DL4J %s", release())
                    .isEqualTo(expectedHookLines());
            soft.assertThat(linesStartingWith(with, FAILURE_LINES)).as("agent failure lines on stderr").isEmpty();
            soft.assertAll();
            assertThat(with.finish()).as("exit code with the agent" + with.describe()).isZero();

            without.awaitDone(ForkedTrainer.DEFAULT_TIMEOUT);
            assertThat(without.waitForExit(ForkedTrainer.DEFAULT_TIMEOUT))
                    .as("exit code without the agent" + without.describe()).isZero();
            byte[] a = Files.readAllBytes(with.file("params.bin"));
            byte[] b = Files.readAllBytes(without.file("params.bin"));
            assertThat(a.length).as("parameter file size").isEqualTo(b.length).isPositive();
            if (!Arrays.equals(a, b)) {
                throw new AssertionError(f + " on " + release() + ": parameters differ with the agent; first "
                        + "differing float index " + Arrays.mismatch(a, b) / 4 + " of " + a.length / 4);
            }
        }
    }

    static List<String> expectedHookLines() {
        List<String> lines = HOOK_LINES.get(release());
        if (lines == null) {
            throw new IllegalStateException("no expected HookCheck line for DL4J " + release() + " in HOOK_LINES");
        }
        return lines;
    }

    static List<String> linesStartingWith(ForkedTrainer t, List<String> prefixes) {
        return t.stderrLines().stream()
                .filter(l -> prefixes.stream().anyMatch(l::startsWith))
                .collect(Collectors.toList());
    }
}
