package io.deadunit.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * Test 4. GraphTrainer: a ComputationGraph in -> dense_a (24 relu), dense_b (16 tanh) -> merge -> dense_c (12 relu)
 * -> out (5 softmax), 4 units of dense_a forced dead. Layers are labelled by vertex name; dead units equal the
 * ground truth; the MergeVertex (not a layer) is not reported as one.
 */
class GraphIT {

    static final int W = 10;
    static final int FORCED_DEAD = 4;

    @Test
    void verticesByNameWithExactDeadUnits() {
        try (ForkedTrainer t = ForkedTrainer.trainer("GraphTrainer")
                .agentArgs("sampleEvery=1,window=" + W)
                .args("--deadUnits", Integer.toString(FORCED_DEAD), "--iterations", Integer.toString(2 * W),
                        "--window", Integer.toString(W), "--groundTruth", "gt.json")
                .start()) {
            t.awaitDone();
            GroundTruthFile gt = GroundTruthFile.read(t.file("gt.json"));
            assertThat(gt.layers().keySet()).containsExactlyInAnyOrder("dense_a", "dense_b", "dense_c", "out");
            assertThat(gt.layer("dense_a").dead()).isGreaterThanOrEqualTo(FORCED_DEAD);

            PrometheusText p = LayerExpectations.scrapeTrained(t, gt);
            String model = LayerExpectations.model(p, t);
            SoftAssertions soft = new SoftAssertions();
            LayerExpectations e = new LayerExpectations(soft, p, model, gt);
            Map<String, Integer> sizes = Map.of("dense_a", 24, "dense_b", 16, "dense_c", 12, "out", 5);
            sizes.forEach((layer, units) -> {
                Double u = e.metric("dl4j_layer_units", layer);
                if (u != null) {
                    soft.assertThat(u).as("%s units", layer).isEqualTo((double) units);
                }
            });
            soft.assertThat(p.labelValues("dl4j_layer_units", Map.of("model", model), "layer"))
                    .as("layers reported for the graph").containsExactlyInAnyOrder("dense_a", "dense_b", "dense_c",
                            "out");
            e.iterations();
            e.noAgentErrors();
            e.unitsAndDead(null);
            e.activationLabels(null);
            e.saturated(null);
            e.stats(List.of("dense_a", "dense_b", "dense_c"));
            soft.assertAll();
            assertThat(t.finish()).as("exit code" + t.describe()).isZero();
        }
    }
}
