package io.deadunit.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Test 2. CnnTrainer (conv1 8ch, pool1, conv2 12ch, bn2, pool2, dense 32, output 10) in NCHW and NHWC, 3 channels
 * of conv1 forced dead, two windows: units = channels and dead/saturated units equal the ground truth, layer by
 * layer. Also: BatchNormalization and subsampling apply no activation (DL4J's BatchNormalization configuration
 * carries the builder's default "sigmoid" but never applies it).
 */
class CnnIT {

    static final int W = 8;
    static final int FORCED_DEAD = 3;

    @ParameterizedTest
    @ValueSource(strings = {"NCHW", "NHWC"})
    void deadChannelsMatchGroundTruth(String format) {
        try (ForkedTrainer t = ForkedTrainer.trainer("CnnTrainer")
                .name("CnnTrainer-" + format)
                .agentArgs("sampleEvery=1,window=" + W)
                .args("--format", format, "--deadChannels", Integer.toString(FORCED_DEAD),
                        "--iterations", Integer.toString(2 * W), "--window", Integer.toString(W),
                        "--groundTruth", "gt.json")
                .start()) {
            t.awaitDone();
            GroundTruthFile gt = GroundTruthFile.read(t.file("gt.json"));
            assertThat(gt.layer("conv1").dead()).isGreaterThanOrEqualTo(FORCED_DEAD);
            assertThat(gt.layer("pool1").dead()).isGreaterThanOrEqualTo(FORCED_DEAD);

            PrometheusText p = LayerExpectations.scrapeTrained(t, gt);
            String model = LayerExpectations.model(p, t);
            SoftAssertions soft = new SoftAssertions();
            LayerExpectations e = new LayerExpectations(soft, p, model, gt);

            Map<String, Integer> channels = Map.of("conv1", 8, "pool1", 8, "conv2", 12, "bn2", 12, "pool2", 12,
                    "dense", 32, "output", 10);
            channels.forEach((layer, units) -> {
                Double u = e.metric("dl4j_layer_units", layer);
                if (u != null) {
                    soft.assertThat(u).as("%s %s dl4j_layer_units (channels)", format, layer)
                            .isEqualTo((double) units);
                }
            });
            e.iterations();
            e.noAgentErrors();
            e.unitsAndDead(null);
            e.activationLabels(null);
            e.saturated(null);
            e.stats(List.of("conv1", "pool1", "conv2", "dense"));
            soft.assertAll();
            assertThat(t.finish()).as("exit code" + t.describe()).isZero();
        }
    }
}
