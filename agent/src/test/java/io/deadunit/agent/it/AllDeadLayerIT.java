package io.deadunit.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * Test 6. DeadLayerTrainer --deadUnits all: every unit of "hidden1" is dead, so the gradient reaching the layer
 * below it ("hidden0") is exactly zero: dead ratio 1 for hidden1; gradient norm 0 and every unit zero-gradient for
 * hidden0. Everything else equals the ground truth.
 */
class AllDeadLayerIT {

    static final int W = 10;

    @Test
    void allDeadLayerCutsTheGradientBelowIt() {
        try (ForkedTrainer t = ForkedTrainer.trainer("DeadLayerTrainer")
                .agentArgs("sampleEvery=1,window=" + W)
                .args("--deadUnits", "all", "--iterations", Integer.toString(2 * W), "--window", Integer.toString(W),
                        "--groundTruth", "gt.json")
                .start()) {
            t.awaitDone();
            GroundTruthFile gt = GroundTruthFile.read(t.file("gt.json"));
            assertThat(gt.layer("hidden1").dead()).isEqualTo(32);
            assertThat(gt.layer("hidden0").zeroGradientUnits()).isEqualTo(48);
            assertThat(gt.layer("hidden0").gradientNorm()).isZero();

            PrometheusText p = LayerExpectations.scrapeTrained(t, gt);
            String model = LayerExpectations.model(p, t);
            SoftAssertions soft = new SoftAssertions();
            LayerExpectations e = new LayerExpectations(soft, p, model, gt);
            Double ratio = e.metric("dl4j_layer_dead_units_ratio", "hidden1");
            if (ratio != null) {
                soft.assertThat(ratio).as("hidden1 dl4j_layer_dead_units_ratio").isEqualTo(1.0);
            }
            Double norm = e.metric("dl4j_layer_gradient_norm", "hidden0");
            if (norm != null) {
                soft.assertThat(norm).as("hidden0 (below the dead layer) dl4j_layer_gradient_norm").isEqualTo(0.0);
            }
            Double zero = e.metric("dl4j_layer_zero_gradient_units", "hidden0");
            if (zero != null) {
                soft.assertThat(zero).as("hidden0 (below the dead layer) dl4j_layer_zero_gradient_units")
                        .isEqualTo(48.0);
            }
            e.unitsAndDead(null);
            e.iterations();
            e.noAgentErrors();
            e.activationLabels(null);
            e.gradients();
            soft.assertAll();
            assertThat(t.finish()).as("exit code" + t.describe()).isZero();
        }
    }
}
