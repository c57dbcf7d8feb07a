package io.deadunit.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Test 3. LstmTrainer (LSTM 16 tanh, SimpleRnn 12 relu, RnnOutputLayer 4; T = 20): 3 units forced dead in each
 * recurrent layer (LSTM: output-gate bias -1e4, so h = 0 exactly; SimpleRnn: bias -1e4). Full BPTT in NCW and
 * NWC, and truncated BPTT (segments of 5 steps: 4 optimizer steps per minibatch, forward passes through
 * rnnActivateUsingStoredState). Units = hidden size; dead units equal the ground truth.
 */
class LstmIT {

    static final int W = 8;
    static final int FORCED_DEAD = 3;

    @ParameterizedTest(name = "{0} tbptt={1}")
    @CsvSource({"NCW, 0", "NWC, 0", "NCW, 5"})
    void deadUnitsMatchGroundTruth(String format, int tbptt) {
        // optimizer steps per minibatch: T / tbptt with truncated BPTT; 2 windows in all
        int minibatches = tbptt > 0 ? 2 * W / (20 / tbptt) : 2 * W;
        List<String> args = new ArrayList<>(Arrays.asList("--format", format,
                "--deadUnits", Integer.toString(FORCED_DEAD), "--iterations", Integer.toString(minibatches),
                "--window", Integer.toString(W), "--groundTruth", "gt.json"));
        if (tbptt > 0) {
            args.addAll(List.of("--tbptt", Integer.toString(tbptt)));
        }
        try (ForkedTrainer t = ForkedTrainer.trainer("LstmTrainer")
                .name("LstmTrainer-" + format + "-" + tbptt)
                .agentArgs("sampleEvery=1,window=" + W)
                .args(args.toArray(new String[0]))
                .start()) {
            t.awaitDone();
            GroundTruthFile gt = GroundTruthFile.read(t.file("gt.json"));
            assertThat(gt.steps()).isEqualTo(2 * W);
            assertThat(gt.layer("lstm").dead()).isGreaterThanOrEqualTo(FORCED_DEAD);
            assertThat(gt.layer("rnn").dead()).isGreaterThanOrEqualTo(FORCED_DEAD);

            PrometheusText p = LayerExpectations.scrapeTrained(t, gt);
            String model = LayerExpectations.model(p, t);
            SoftAssertions soft = new SoftAssertions();
            LayerExpectations e = new LayerExpectations(soft, p, model, gt);
            for (Object[] lu : new Object[][] {{"lstm", 16}, {"rnn", 12}, {"output", 4}}) {
                Double u = e.metric("dl4j_layer_units", (String) lu[0]);
                if (u != null) {
                    soft.assertThat(u).as("%s units", lu[0]).isEqualTo(((Integer) lu[1]).doubleValue());
                }
            }
            e.iterations();
            e.noAgentErrors();
            e.unitsAndDead(null);
            e.activationLabels(null);
            e.saturated(null);
            e.stats(List.of("lstm", "rnn"));
            soft.assertAll();
            assertThat(t.finish()).as("exit code" + t.describe()).isZero();
        }
    }
}
