package io.deadunit.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * Test 5. SaturatedTrainer: sigmoid (16), tanh (12), hard sigmoid (10) and softsign (8) layers, 5 units of each
 * pushed to a bound by a +/-1000 bias: dl4j_layer_saturated_units equals the ground truth (at least 5) for each.
 */
class SaturatedIT {

    static final int W = 10;
    static final int K = 5;

    @Test
    void saturatedUnitsMatchGroundTruth() {
        try (ForkedTrainer t = ForkedTrainer.trainer("SaturatedTrainer")
                .agentArgs("sampleEvery=1,window=" + W)
                .args("--saturatedUnits", Integer.toString(K), "--iterations", Integer.toString(2 * W),
                        "--window", Integer.toString(W), "--groundTruth", "gt.json")
                .start()) {
            t.awaitDone();
            GroundTruthFile gt = GroundTruthFile.read(t.file("gt.json"));
            List<String> bounded = List.of("sig", "tanh", "hsig", "softsign");
            for (String layer : bounded) {
                assertThat(gt.layer(layer).saturated()).as(layer).isGreaterThanOrEqualTo(K);
            }

            PrometheusText p = LayerExpectations.scrapeTrained(t, gt);
            String model = LayerExpectations.model(p, t);
            SoftAssertions soft = new SoftAssertions();
            LayerExpectations e = new LayerExpectations(soft, p, model, gt);
            e.saturated(null);
            e.unitsAndDead(null);
            e.iterations();
            e.noAgentErrors();
            e.activationLabels(null);
            e.stats(bounded);
            e.gradients();
            soft.assertAll();
            assertThat(t.finish()).as("exit code" + t.describe()).isZero();
        }
    }
}
