package io.deadunit.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Sampling: with one minibatch repeated and the NoOp updater every iteration is the same computation, so whichever
 * iterations the agent samples (every sampleEvery-th of a window of W), the statistics equal those of all of them:
 * units, dead and dormant units, zero ratio, mean, stddev, zero-gradient units and gradient norm equal the ground
 * truth, and each window adds one unit-activity observation per unit.
 */
class SamplingIT {

    @ParameterizedTest(name = "sampleEvery={0} window={1}")
    @CsvSource({"3, 12", "4, 10", "10, 10"})
    void sampledWindowsHaveTheStatisticsOfAllIterations(int sampleEvery, int window) {
        try (ForkedTrainer t = ForkedTrainer.trainer("DeadLayerTrainer")
                .name("Sampling-" + sampleEvery + "-" + window)
                .agentArgs("sampleEvery=" + sampleEvery + ",window=" + window)
                .args("--deadUnits", "4", "--batches", "1", "--updater", "none",
                        "--iterations", Integer.toString(2 * window), "--groundTruth", "gt.json")
                .start()) {
            t.awaitDone();
            GroundTruthFile gt = GroundTruthFile.read(t.file("gt.json"));
            assertThat(gt.layer("hidden1").dead()).isGreaterThanOrEqualTo(4);

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
