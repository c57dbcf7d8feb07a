package io.deadunit.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * Each diagnosis rule on a trainer built to show its cause (CauseTrainer, MLP 100-48-32-24-10, 200 iterations,
 * four windows of 50 with every other iteration sampled): the layer that loses its units gets
 * {@code dl4j_layer_diagnosis{cause=...} 1} for that cause, 0 for the causes that are absent from the setup, and
 * exactly one stderr line naming it.
 */
class DiagnosisIT {

    static final String AGENT_ARGS = "sampleEvery=2,window=50";
    static final String[] CAUSES = {"negative_bias", "high_learning_rate", "upstream_dead", "saturating_activation",
            "unexplained"};

    /** A finished CauseTrainer run: its scrape and stderr. */
    static final class Run {
        final PrometheusText prom;
        final String model;
        final List<String> stderr;
        final String describe;

        Run(PrometheusText prom, String model, List<String> stderr, String describe) {
            this.prom = prom;
            this.model = model;
            this.stderr = stderr;
            this.describe = describe;
        }

        double diagnosis(String layer, String cause) {
            return prom.value("dl4j_layer_diagnosis", Map.of("model", model, "layer", layer, "cause", cause));
        }

        double gauge(String name, String layer) {
            return prom.value(name, Map.of("model", model, "layer", layer));
        }

        /** The diagnosis lines on stderr about {@code layer}. */
        List<String> lines(String layer) {
            return stderr.stream().filter(l -> l.startsWith("deadunit: layer " + layer + " of " + model + ": "))
                    .collect(Collectors.toList());
        }

        /** The causes diagnosed for {@code layer} in the last window. */
        List<String> causes(String layer) {
            return List.of(CAUSES).stream().filter(c -> diagnosis(layer, c) == 1).collect(Collectors.toList());
        }
    }

    static Run train(String cause) {
        try (ForkedTrainer t = ForkedTrainer.trainer("CauseTrainer").name("CauseTrainer-" + cause)
                .agentArgs(AGENT_ARGS)
                .args("--cause", cause, "--iterations", "200")
                .start()) {
            t.awaitDone(Duration.ofMinutes(3));
            PrometheusText p = t.scrapeUntil(s -> s.find("dl4j_training_iterations_total").stream()
                    .anyMatch(x -> x.value >= 200) && s.has("dl4j_layer_diagnosis", Map.of()), Duration.ofSeconds(30));
            String model = p.trainedModel().orElseThrow(() -> new AssertionError("no trained model" + t.describe()));
            assertThat(t.finish()).as("exit code" + t.describe()).isZero();
            return new Run(p, model, t.stderrLines(), t.describe());
        }
    }

    @Test
    void negativeBias() {
        Run r = train("negative_bias");
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(r.gauge("dl4j_layer_dead_units", "hidden1")).as("hidden1 dead units").isGreaterThanOrEqualTo(20);
        soft.assertThat(r.causes("hidden1")).as("hidden1 causes" + r.describe).containsExactly("negative_bias");
        soft.assertThat(r.lines("hidden1")).as("hidden1 stderr").hasSize(1);
        soft.assertThat(r.lines("hidden1").toString()).contains("of units dead; likely cause: negative_bias (");
        for (String layer : new String[] {"hidden0", "hidden2", "output"}) {
            soft.assertThat(r.causes(layer)).as("%s is healthy", layer).isEmpty();
            soft.assertThat(r.lines(layer)).as("%s stderr", layer).isEmpty();
        }
        // the weight signals that rule out the other causes
        soft.assertThat(r.gauge("dl4j_layer_update_ratio", "hidden1")).isBetween(1e-5, 1e-2);
        soft.assertThat(r.gauge("dl4j_layer_learning_rate", "hidden1")).isEqualTo(1e-3);
        soft.assertThat(r.gauge("dl4j_layer_stagnant_units", "hidden1")).as("the dead units never move")
                .isGreaterThanOrEqualTo(20);
        soft.assertThat(r.gauge("dl4j_layer_stagnant_units", "hidden0")).isLessThan(48);
        soft.assertAll();
    }

    @Test
    void highLearningRate() {
        Run r = train("high_learning_rate");
        SoftAssertions soft = new SoftAssertions();
        // How many units lr 0.3 kills depends on the CPU's rounding; 32 of the 48 are dead by construction
        // (non-positive incoming weights on inputs in [0,1], bias 0), so hidden0 is over the threshold on any CPU
        soft.assertThat(r.gauge("dl4j_layer_dead_units", "hidden0")).as("hidden0 dead units")
                .isGreaterThanOrEqualTo(32);
        soft.assertThat(r.gauge("dl4j_layer_stagnant_units", "hidden0")).as("they get no gradient, never move")
                .isGreaterThanOrEqualTo(32);
        // hidden0 is fed by the input: nothing upstream, ReLU saturates nowhere: the step size is what it shows
        soft.assertThat(r.causes("hidden0")).as("hidden0 causes" + r.describe).contains("high_learning_rate")
                .doesNotContain("upstream_dead", "saturating_activation", "unexplained");
        soft.assertThat(r.lines("hidden0")).as("hidden0 stderr: over the threshold from the first window on")
                .hasSize(1);
        soft.assertThat(r.lines("hidden0").toString()).contains("likely cause: high_learning_rate (",
                "learning rate 0.300");
        soft.assertThat(r.gauge("dl4j_layer_learning_rate", "hidden0")).isEqualTo(0.3);
        for (String layer : new String[] {"hidden1", "hidden2"}) {
            if (r.gauge("dl4j_layer_dead_units_ratio", layer) >= 0.5) {
                soft.assertThat(r.causes(layer)).as("%s causes", layer).contains("high_learning_rate");
            }
        }
        soft.assertAll();
    }

    @Test
    void upstreamDead() {
        Run r = train("upstream_dead");
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(r.gauge("dl4j_layer_dead_units_ratio", "hidden0")).isEqualTo(1.0);
        soft.assertThat(r.causes("hidden0")).as("hidden0, rigged with bias -1e4" + r.describe)
                .containsExactly("negative_bias");
        for (String layer : new String[] {"hidden1", "hidden2"}) {
            soft.assertThat(r.gauge("dl4j_layer_dead_units_ratio", layer)).as(layer).isEqualTo(1.0);
            soft.assertThat(r.causes(layer)).as("%s causes: its own biases are 0", layer)
                    .containsExactly("upstream_dead");
            soft.assertThat(r.lines(layer)).as("%s stderr", layer).hasSize(1);
            soft.assertThat(r.lines(layer).toString()).contains("likely cause: upstream_dead (layer hidden");
        }
        soft.assertThat(r.gauge("dl4j_layer_stagnant_units", "hidden1")).as("no input, no gradient").isEqualTo(32);
        soft.assertAll();
    }

    @Test
    void saturatingActivation() {
        Run r = train("saturating");
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(r.gauge("dl4j_layer_saturated_units", "hidden0")).isGreaterThanOrEqualTo(24);
        soft.assertThat(r.gauge("dl4j_layer_dead_units", "hidden0")).isZero();
        soft.assertThat(r.causes("hidden0")).as("hidden0 causes" + r.describe)
                .containsExactly("saturating_activation");
        soft.assertThat(r.lines("hidden0")).as("hidden0 stderr").hasSize(1);
        soft.assertThat(r.lines("hidden0").toString()).contains("of units saturated; likely cause: "
                + "saturating_activation (");
        soft.assertThat(r.gauge("dl4j_layer_update_ratio", "hidden0")).isLessThan(1e-2);
        soft.assertAll();
    }
}
