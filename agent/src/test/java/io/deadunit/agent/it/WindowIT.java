package io.deadunit.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * Window semantics: statistics describe the last window only. DeadLayerTrainer --deadUnits 6 --swapAt W: during the
 * first window units 0..5 of hidden1 are dead; at the start of the second window they come back to life and units
 * 6..11 die. An agent that accumulated across windows (dead = dead in both) would report only the naturally dead
 * units; one that never revived a unit would report 12 or more. The agent must report the second window's count,
 * equal to the ground truth; and the unit-activity histogram has one observation per unit per window.
 */
class WindowIT {

    static final int W = 10;

    @Test
    void deadUnitsDescribeTheLastWindowOnly() {
        try (ForkedTrainer t = ForkedTrainer.trainer("DeadLayerTrainer")
                .name("WindowSwap")
                .agentArgs("sampleEvery=1,window=" + W)
                .args("--deadUnits", "6", "--swapAt", Integer.toString(W), "--iterations", Integer.toString(2 * W),
                        "--window", Integer.toString(W), "--groundTruth", "gt.json")
                .start()) {
            t.awaitDone();
            GroundTruthFile gt = GroundTruthFile.read(t.file("gt.json"));
            double[] activity = gt.layer("hidden1").activity();
            for (int u = 0; u < 6; u++) {
                assertThat(activity[u]).as("ground truth: unit %d revived in the last window", u).isPositive();
                assertThat(activity[6 + u]).as("ground truth: unit %d dead in the last window", 6 + u).isZero();
            }

            PrometheusText p = LayerExpectations.scrapeTrained(t, gt);
            String model = LayerExpectations.model(p, t);
            SoftAssertions soft = new SoftAssertions();
            LayerExpectations e = new LayerExpectations(soft, p, model, gt);
            e.iterations();
            e.noAgentErrors();
            e.unitsAndDead(null);
            e.stats(null);
            e.gradients();
            for (String layer : gt.layers().keySet()) {
                Double count = e.metric("dl4j_layer_unit_activity_count", layer);
                if (count != null) {
                    soft.assertThat(count).as("%s dl4j_layer_unit_activity_count after 2 windows", layer)
                            .isEqualTo(2.0 * gt.layer(layer).units());
                }
            }
            soft.assertAll();
            assertThat(t.finish()).as("exit code" + t.describe()).isZero();
        }
    }
}
