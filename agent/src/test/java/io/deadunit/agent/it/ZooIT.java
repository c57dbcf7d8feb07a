package io.deadunit.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Other layer kinds (ZooTrainer --kind ...), 3 units forced dead in the first layer: units and dead units of every
 * layer equal the ground truth, wrappers (FrozenLayer, FrozenLayerWithBackprop, Bidirectional) are reported once,
 * under their own name, with the wrapped layer's units.
 */
class ZooIT {

    static final int W = 10;
    static final int FORCED_DEAD = 3;

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "embedding,     emb,    16, 3",
            "embseq,        embseq,  8, 3",
            "frozen,        f0,     32, 3",
            "frozenbp,      f0,     32, 3",
            "bidirectional, bi,     16, 6",
            "dropout,       d0,     32, 3"})
    void unitsAndDeadUnitsMatchGroundTruth(String kind, String firstLayer, int units, int minDead) {
        try (ForkedTrainer t = ForkedTrainer.trainer("ZooTrainer")
                .name("Zoo-" + kind)
                .agentArgs("sampleEvery=1,window=" + W)
                .args("--kind", kind, "--deadUnits", Integer.toString(FORCED_DEAD),
                        "--iterations", Integer.toString(2 * W), "--window", Integer.toString(W),
                        "--groundTruth", "gt.json")
                .start()) {
            t.awaitDone();
            GroundTruthFile gt = GroundTruthFile.read(t.file("gt.json"));
            assertThat(gt.layer(firstLayer).units()).isEqualTo(units);
            assertThat(gt.layer(firstLayer).dead()).isGreaterThanOrEqualTo(minDead);

            PrometheusText p = LayerExpectations.scrapeTrained(t, gt);
            String model = LayerExpectations.model(p, t);
            SoftAssertions soft = new SoftAssertions();
            LayerExpectations e = new LayerExpectations(soft, p, model, gt);
            soft.assertThat(p.labelValues("dl4j_layer_units", Map.of("model", model), "layer"))
                    .as("layers reported").containsExactlyInAnyOrderElementsOf(gt.layers().keySet());
            e.iterations();
            e.noAgentErrors();
            e.unitsAndDead(null);
            e.activationLabels(null);
            e.saturated(null);
            e.stats(null);
            soft.assertAll();
            assertThat(t.finish()).as("exit code" + t.describe()).isZero();
        }
    }

    /**
     * Without --groundTruth, DL4J applies dropout in place: the DropoutLayer overwrites d0's output array, and d1's
     * input dropout overwrites the DropoutLayer's. The agent must read each layer's output when the layer returns
     * it: d0 and drop statistics must be the same as in the ground-truth run (in-place modification off, same
     * values otherwise), and d0/drop have exactly 3 dead units by construction.
     */
    @Test
    void dropoutInPlaceDoesNotAlterWhatTheAgentSees() {
        double[] meansGt;
        GroundTruthFile gt;
        try (ForkedTrainer t = ForkedTrainer.trainer("ZooTrainer")
                .name("Zoo-dropout-gt")
                .agentArgs("sampleEvery=1,window=" + W)
                .args("--kind", "dropout", "--deadUnits", "3", "--iterations", Integer.toString(W),
                        "--window", Integer.toString(W), "--groundTruth", "gt.json")
                .start()) {
            t.awaitDone();
            gt = GroundTruthFile.read(t.file("gt.json"));
            PrometheusText p = LayerExpectations.scrapeTrained(t, gt);
            String model = LayerExpectations.model(p, t);
            meansGt = new double[] {
                    p.value("dl4j_layer_activation_mean", Map.of("model", model, "layer", "d0")),
                    p.value("dl4j_layer_activation_mean", Map.of("model", model, "layer", "drop"))};
            assertThat(t.finish()).isZero();
        }
        assertThat(gt.layer("d0").dead()).isEqualTo(3);
        assertThat(gt.layer("drop").dead()).isEqualTo(3);
        try (ForkedTrainer t = ForkedTrainer.trainer("ZooTrainer")
                .name("Zoo-dropout-inplace")
                .agentArgs("sampleEvery=1,window=" + W)
                .args("--kind", "dropout", "--deadUnits", "3", "--iterations", Integer.toString(W))
                .start()) {
            t.awaitDone();
            PrometheusText p = LayerExpectations.scrapeTrained(t, gt);
            String model = LayerExpectations.model(p, t);
            SoftAssertions soft = new SoftAssertions();
            String[] layers = {"d0", "drop"};
            for (int i = 0; i < layers.length; i++) {
                Map<String, String> l = Map.of("model", model, "layer", layers[i]);
                soft.assertThat(p.value("dl4j_layer_dead_units", l)).as("%s dead units (in place)", layers[i])
                        .isEqualTo(3.0);
                soft.assertThat(p.value("dl4j_layer_activation_mean", l))
                        .as("%s activation mean with in-place dropout vs without (ground truth %s)", layers[i],
                                gt.layer(layers[i]).mean())
                        .isCloseTo(meansGt[i], org.assertj.core.data.Offset.offset(1e-6 * Math.abs(meansGt[i])));
            }
            soft.assertAll();
            assertThat(t.finish()).isZero();
        }
    }
}
