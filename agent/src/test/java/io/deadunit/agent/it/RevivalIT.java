package io.deadunit.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * The mechanics of {@code revive=true}, deterministic on any CPU: nothing here depends on what training achieves
 * (whether revival helps accuracy is a study, docs/revival.md, not a test). DeadLayerTrainer (MLP 100-48-32-24-10)
 * with 5 units of "hidden1" forced dead (bias -1e4) trains exactly one window; the agent revives at that window's
 * close, right after the last optimizer step, before the trainer writes its parameters. The same run observed only
 * is bitwise identical up to that point (BitwiseIdenticalIT), so the two parameter files differ exactly where
 * revival wrote: the revived units' incoming columns (re-drawn), biases (0) and outgoing rows (0), nowhere else.
 */
class RevivalIT {

    static final int W = 10;
    static final int FORCED_DEAD = 5;
    static final int[] SIZES = {100, 48, 32, 24, 10};
    static final String[] LAYERS = {"hidden0", "hidden1", "hidden2", "output"};
    /** Two JVMs start side by side, with the suite's other forks: generous on a loaded machine. */
    static final Duration TIMEOUT = Duration.ofMinutes(4);

    static ForkedTrainer start(String name, String agentArgs, String... trainerArgs) {
        return ForkedTrainer.trainer("DeadLayerTrainer").name(name)
                .agentArgs("sampleEvery=1,window=" + W + "," + agentArgs)
                .args("--deadUnits", Integer.toString(FORCED_DEAD), "--iterations", Integer.toString(W),
                        "--params", "params.bin")
                .args(trainerArgs).start();
    }

    static float[] params(ForkedTrainer t) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(t.file("params.bin"))).order(ByteOrder.LITTLE_ENDIAN);
        float[] p = new float[b.remaining() / 4];
        b.asFloatBuffer().get(p);
        return p;
    }

    static double revived(PrometheusText p, String layer) {
        return p.value("dl4j_layer_revived_units_total", Map.of("model", p.trainedModel().orElseThrow(),
                "layer", layer));
    }

    @Test
    void deadUnitsAreReinitialisedAndNothingElseIsTouched() throws IOException {
        try (ForkedTrainer base = start("Revival-observe", "revive=false");
             ForkedTrainer revived = start("Revival-revive", "revive=true,reviveEvery=1")) {
            base.awaitDone(TIMEOUT);
            revived.awaitDone(TIMEOUT);
            PrometheusText pBase = base.scrape();
            PrometheusText pRevived = revived.scrape();
            float[] before = params(base);
            float[] after = params(revived);
            assertThat(after).hasSameSizeAs(before);

            SoftAssertions soft = new SoftAssertions();
            boolean[] explained = new boolean[before.length];
            // Layer l's W [nIn, nOut] in 'f' order: column j (unit j's incoming weights) at w + j * nIn; its next
            // layer's W row j (unit j's outgoing weights) at next + j + c * nOut. A unit is revived when its column
            // changed anywhere but in the rows zeroed for the revived units of the layer below.
            int[] offsets = new int[SIZES.length];
            for (int l = 1; l < SIZES.length; l++) {
                offsets[l] = offsets[l - 1] + SIZES[l - 1] * SIZES[l] + SIZES[l];
            }
            boolean[][] revivedUnits = new boolean[SIZES.length - 1][];
            for (int l = 0; l + 1 < SIZES.length; l++) {
                int nIn = SIZES[l];
                int nOut = SIZES[l + 1];
                revivedUnits[l] = new boolean[nOut];
                for (int j = 0; j < nOut; j++) {
                    for (int r = 0; r < nIn; r++) {
                        boolean belowRevived = l > 0 && revivedUnits[l - 1][r];
                        int i = offsets[l] + j * nIn + r;
                        revivedUnits[l][j] |= !belowRevived && before[i] != after[i];
                    }
                }
            }
            for (int l = 0; l + 1 < SIZES.length; l++) {
                int nIn = SIZES[l];
                int nOut = SIZES[l + 1];
                int w = offsets[l];
                int b = w + nIn * nOut;
                int next = b + nOut;
                int units = 0;
                for (int j = 0; j < nOut; j++) {
                    if (!revivedUnits[l][j]) {
                        continue;
                    }
                    units++;
                    soft.assertThat(l).as("%s unit %d revived: never the output layer", LAYERS[l], j)
                            .isLessThan(SIZES.length - 2);
                    soft.assertThat(after[b + j]).as("%s unit %d bias", LAYERS[l], j).isZero();
                    explained[b + j] = true;
                    for (int r = 0; r < nIn; r++) {
                        explained[w + j * nIn + r] = true;
                    }
                    if (l + 2 < SIZES.length) {
                        for (int c = 0; c < SIZES[l + 2]; c++) {
                            explained[next + j + c * nOut] = true;
                            if (!revivedUnits[l + 1][c]) {     // a revived unit above re-draws its whole column
                                soft.assertThat(after[next + j + c * nOut]).as("%s unit %d outgoing", LAYERS[l], j)
                                        .isZero();
                            }
                        }
                    }
                }
                if (l == 1) {
                    for (int j = 0; j < FORCED_DEAD; j++) {
                        soft.assertThat(before[b + j]).as("forced dead bias").isEqualTo(-1e4f);
                        soft.assertThat(after[b + j]).as("hidden1 unit %d (forced dead) revived", j).isZero();
                    }
                    soft.assertThat(units).as("hidden1 units revived").isGreaterThanOrEqualTo(FORCED_DEAD);
                }
                soft.assertThat(revived(pRevived, LAYERS[l])).as("%s dl4j_layer_revived_units_total = units whose"
                        + " incoming weights changed", LAYERS[l]).isEqualTo(units);
                soft.assertThat(revived(pBase, LAYERS[l])).as("observe only").isZero();
            }
            int untouchedButChanged = 0;
            for (int i = 0; i < before.length; i++) {
                if (!explained[i] && Float.floatToRawIntBits(before[i]) != Float.floatToRawIntBits(after[i])) {
                    untouchedButChanged++;
                }
            }
            soft.assertThat(untouchedButChanged).as("parameters changed outside the revived units").isZero();
            soft.assertThat(revived(pRevived, "output")).as("the output layer is never revived").isZero();
            soft.assertThat(pRevived.value("deadunit_agent_errors_total", Map.of())).isZero();
            soft.assertThat(revived.stderrLines().stream().filter(s -> s.contains("REINITIALISED")).count())
                    .as("start-up announcement, once").isEqualTo(1);
            soft.assertThat(revived.stderr()).contains("deadunit: revive=true: dead units of dense layers will be"
                    + " REINITIALISED every 1 window(s) of " + W + " iterations");
            soft.assertThat(base.stderr()).doesNotContain("REINITIALISED");
            soft.assertAll();
            assertThat(base.finish()).as("exit code" + base.describe()).isZero();
            assertThat(revived.finish()).as("exit code" + revived.describe()).isZero();
        }
    }

    /** Sgd with learning rate 0 and DL4J's NoOp (how DL4J marks frozen layers): meant to stay fixed. */
    @Test
    void layersMeantToStayFixedAreNeverRevived() throws IOException {
        for (String updater : List.of("none", "noop")) {
            try (ForkedTrainer base = start("Revival-fixed-observe-" + updater, "revive=false", "--updater", updater);
                 ForkedTrainer revived = start("Revival-fixed-" + updater, "revive=true", "--updater", updater)) {
                base.awaitDone(TIMEOUT);
                revived.awaitDone(TIMEOUT);
                PrometheusText p = revived.scrape();
                for (String layer : LAYERS) {
                    assertThat(revived(p, layer)).as("%s revived with --updater %s", layer, updater).isZero();
                }
                assertThat(p.value("dl4j_layer_dead_units", Map.of("model", p.trainedModel().orElseThrow(),
                        "layer", "hidden1"))).as("there were dead units to revive").isGreaterThanOrEqualTo(FORCED_DEAD);
                assertThat(params(revived)).as("parameters with revive=true, --updater %s", updater)
                        .isEqualTo(params(base));
                assertThat(base.finish()).isZero();
                assertThat(revived.finish()).isZero();
            }
        }
    }

    @Test
    void frozenLayersAreNeverRevived() {
        try (ForkedTrainer t = ForkedTrainer.trainer("ZooTrainer").name("Revival-frozen")
                .agentArgs("sampleEvery=1,window=" + W + ",revive=true")
                .args("--kind", "frozen", "--deadUnits", "3", "--iterations", Integer.toString(2 * W)).start()) {
            t.awaitDone();
            PrometheusText p = t.scrape();
            String model = p.trainedModel().orElseThrow();
            assertThat(p.value("dl4j_layer_dead_units", Map.of("model", model, "layer", "f0")))
                    .isGreaterThanOrEqualTo(3);
            for (String layer : List.of("f0", "f1")) {
                assertThat(p.value("dl4j_layer_revived_units_total", Map.of("model", model, "layer", layer)))
                        .as("frozen %s", layer).isZero();
            }
            assertThat(p.value("deadunit_agent_errors_total", Map.of())).isZero();
            assertThat(t.finish()).isZero();
        }
    }

    /** Inference passes share the layers' windows: revival, which needs training-phase evidence, is off. */
    @Test
    void reviveIsIgnoredWhenInferenceIsObserved() {
        try (ForkedTrainer t = ForkedTrainer.trainer("DeadLayerTrainer").name("Revival-inference")
                .agentArgs("sampleEvery=1,window=" + W + ",revive=true,phases=train+inference")
                .args("--deadUnits", Integer.toString(FORCED_DEAD), "--iterations", Integer.toString(2 * W)).start()) {
            t.awaitDone();
            PrometheusText p = t.scrape();
            assertThat(revived(p, "hidden1")).isZero();
            assertThat(t.stderrLines().stream().filter(l -> l.startsWith("deadunit: revive=true is ignored with"
                    + " phases=train+inference")).count()).isEqualTo(1);
            assertThat(t.stderr()).doesNotContain("REINITIALISED");
            assertThat(t.finish()).isZero();
        }
    }
}
