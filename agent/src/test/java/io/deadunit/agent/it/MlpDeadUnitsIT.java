package io.deadunit.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Test 1. DeadLayerTrainer (MLP 100-48-32-24-10) with 5 units of "hidden1" forced dead, one window of exactly W
 * iterations observed in full ({@code sampleEvery=1,window=W}): every layer's units, dead units, dormant units,
 * zero ratio, mean, stddev, zero-gradient units, gradient norm and unit-activity histogram equal the ground truth
 * computed by a plain DL4J listener in the same run. Counted on the statistics thread (the default) and on the
 * training thread ({@code statisticsThread=false}).
 */
class MlpDeadUnitsIT {

    static final int W = 20;
    static final int FORCED_DEAD = 5;

    @ParameterizedTest(name = "statisticsThread={0}")
    @ValueSource(booleans = {true, false})
    void deadUnitsAndStatisticsMatchGroundTruth(boolean statisticsThread) {
        try (ForkedTrainer t = ForkedTrainer.trainer("DeadLayerTrainer")
                .agentArgs("sampleEvery=1,window=" + W + ",statisticsThread=" + statisticsThread)
                .args("--deadUnits", Integer.toString(FORCED_DEAD), "--iterations", Integer.toString(W),
                        "--window", Integer.toString(W), "--groundTruth", "gt.json", "--seed", "11")
                .start()) {
            t.awaitDone();
            GroundTruthFile gt = GroundTruthFile.read(t.file("gt.json"));
            assertThat(gt.layers().keySet()).containsExactly("hidden0", "hidden1", "hidden2", "output");
            assertThat(gt.layer("hidden1").dead()).isGreaterThanOrEqualTo(FORCED_DEAD);

            PrometheusText p = LayerExpectations.scrapeTrained(t, gt);
            String model = LayerExpectations.model(p, t);
            SoftAssertions soft = new SoftAssertions();
            LayerExpectations e = new LayerExpectations(soft, p, model, gt);

            // layer sizes, independently of the ground truth
            Map<String, Integer> sizes = Map.of("hidden0", 48, "hidden1", 32, "hidden2", 24, "output", 10);
            sizes.forEach((layer, units) -> {
                Double u = e.metric("dl4j_layer_units", layer);
                if (u != null) {
                    soft.assertThat(u).as("%s dl4j_layer_units", layer).isEqualTo((double) units);
                }
            });
            Double h1 = e.metric("dl4j_layer_dead_units", "hidden1");
            if (h1 != null) {
                soft.assertThat(h1).as("hidden1 dead units (forced %d)", FORCED_DEAD)
                        .isGreaterThanOrEqualTo(FORCED_DEAD);
            }
            e.iterations();
            e.noAgentErrors();
            e.score();
            e.unitsAndDead(null);
            e.activationLabels(null);
            e.saturated(null);
            e.stats(null);
            e.gradients();
            e.activityHistogramSingleWindow(null);

            // labels of the contract
            for (String layer : sizes.keySet()) {
                List<PrometheusText.Sample> s = p.find("dl4j_layer_units", e.labels(layer));
                if (s.size() == 1) {
                    soft.assertThat(s.get(0).labels).as("labels of %s", layer)
                            .containsKeys("model", "layer", "layer_index", "layer_type", "activation");
                    soft.assertThat(s.get(0).label("layer_type")).as("layer_type of %s", layer)
                            .isEqualTo(gt.layer(layer).type());
                    soft.assertThat(s.get(0).label("activation")).as("activation of %s", layer)
                            .isEqualTo(gt.layer(layer).activation());
                }
            }
            Double nonfinite = e.metric("dl4j_nonfinite_values_total",
                    Map.of("model", model, "layer", "hidden1", "phase", "forward"));
            if (nonfinite != null) {
                soft.assertThat(nonfinite).as("non-finite forward values in hidden1").isZero();
            }
            soft.assertThat(t.stderr()).as("the key is known and its value accepted").doesNotContain("statisticsThread");
            soft.assertAll();
            assertThat(t.finish()).as("exit code" + t.describe()).isZero();
        }
    }
}
