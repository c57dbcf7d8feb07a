package io.deadunit.exporter.monitor;

import io.deadunit.exporter.stats.ActivationBounds;
import io.deadunit.exporter.stats.FloatTensorData;
import io.deadunit.exporter.stats.LayerSnapshot;
import io.deadunit.exporter.stats.LayerWindow;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;

import static org.assertj.core.api.Assertions.assertThat;

/** Each rule on windows built to show (or not show) its evidence. */
class DiagnosisTest {
    /** A window of {@code units} units of which the first {@code dead} never fire. */
    private static LayerWindow window(ActivationBounds bounds, int units, int dead, float live) {
        LayerWindow window = new LayerWindow(bounds);
        float[] values = new float[2 * units];
        for (int u = dead; u < units; u++) {
            values[u] = live;
            values[units + u] = live;
        }
        window.addActivations(new FloatTensorData(FloatBuffer.wrap(values)), 0, new long[] {2, units},
                new long[] {units, 1}, 1);
        return window;
    }

    private static double[] biases(int units, int dead, double deadBias, double liveBias) {
        double[] b = new double[units];
        for (int u = 0; u < units; u++) {
            b[u] = u < dead ? deadBias : liveBias + 0.01 * (u % 3);
        }
        return b;
    }

    private static LayerSnapshot relu(int units, int dead, double updateRatio, double[] biases) {
        LayerWindow w = window(ActivationBounds.UNBOUNDED, units, dead, 1);
        w.addUpdateRatio(updateRatio);
        w.setBiases(biases);
        return w.close();
    }

    @Test
    void belowTheThresholdNothingIsDiagnosed() {
        Diagnosis d = Diagnosis.evaluate(relu(10, 4, 0.5, biases(10, 4, -10, 0)), null, null, 0.5);
        assertThat(d.diagnosed()).isFalse();
        assertThat(d.causes()).isEmpty();
        assertThat(d.lostRatio()).isEqualTo(0.4);
    }

    @Test
    void negativeBias() {
        Diagnosis d = Diagnosis.evaluate(relu(10, 6, 1e-3, biases(10, 6, -10, 0)), null, null, 0.5);
        assertThat(d.diagnosed()).isTrue();
        assertThat(d.causes()).containsExactly(Cause.NEGATIVE_BIAS);
        assertThat(d.message("hidden1", "m")).startsWith("deadunit: layer hidden1 of m: 60% of units dead; "
                + "likely cause: negative_bias (dead units' mean bias -10.0 vs live units' ");
        // dead units' biases within the live units' spread: not the cause
        Diagnosis similar = Diagnosis.evaluate(relu(10, 6, 1e-3, biases(10, 6, 0.005, 0)), null, null, 0.5);
        assertThat(similar.causes()).containsExactly(Cause.UNEXPLAINED);
        // no biases known: not the cause either
        assertThat(Diagnosis.evaluate(relu(10, 6, 1e-3, null), null, null, 0.5).causes())
                .containsExactly(Cause.UNEXPLAINED);
    }

    @Test
    void highLearningRate() {
        LayerSnapshot s = relu(10, 8, 1e-9, biases(10, 8, 0, 0));
        assertThat(Diagnosis.evaluate(s, 0.2, null, null, 0.5).causes()).containsExactly(Cause.HIGH_LEARNING_RATE);
        assertThat(Diagnosis.evaluate(s, 0.2, null, null, 0.5).message("h", "m"))
                .contains("likely cause: high_learning_rate (update ratio ||dW||/||W|| up to 2.0e-01");
        assertThat(Diagnosis.evaluate(s, 5e-3, null, null, 0.5).causes()).containsExactly(Cause.UNEXPLAINED);
        assertThat(Diagnosis.evaluate(s, Double.NaN, null, null, 0.5).causes()).containsExactly(Cause.UNEXPLAINED);
        assertThat(Diagnosis.evaluate(relu(10, 8, 0.05, null), null, null, 0.5).causes())
                .as("this window's ratio by default").containsExactly(Cause.HIGH_LEARNING_RATE);
    }

    @Test
    void upstreamDead() {
        LayerSnapshot layer = relu(10, 10, 0, biases(10, 10, 0, 0));
        LayerSnapshot deadUpstream = relu(20, 15, 0, null);
        LayerSnapshot liveUpstream = relu(20, 2, 0, null);
        Diagnosis d = Diagnosis.evaluate(layer, deadUpstream, "hidden0", 0.5);
        assertThat(d.causes()).containsExactly(Cause.UPSTREAM_DEAD);
        assertThat(d.message("hidden1", "m")).isEqualTo("deadunit: layer hidden1 of m: 100% of units dead; "
                + "likely cause: upstream_dead (layer hidden0 feeding it has 75% of its units dead)");
        assertThat(Diagnosis.evaluate(layer, liveUpstream, "hidden0", 0.5).causes()).containsExactly(Cause.UNEXPLAINED);
    }

    @Test
    void saturatingActivation() {
        ActivationBounds tanh = ActivationBounds.forActivation("tanh");
        LayerWindow w = window(tanh, 10, 0, 0.2f);
        float[] values = new float[10];
        for (int u = 0; u < 10; u++) {
            values[u] = u < 7 ? (u % 2 == 0 ? 1f : -1f) : 0.3f;
        }
        w.addActivations(new FloatTensorData(FloatBuffer.wrap(values)), 0, new long[] {1, 10}, new long[] {10, 1}, 1);
        w.addActivations(new FloatTensorData(FloatBuffer.wrap(values)), 0, new long[] {1, 10}, new long[] {10, 1}, 1);
        // 2 of 4 positions at a bound is not saturated (needs 99%); a fresh window with bounds only:
        LayerWindow fresh = new LayerWindow(tanh);
        for (int i = 0; i < 3; i++) {
            fresh.addActivations(new FloatTensorData(FloatBuffer.wrap(values)), 0, new long[] {1, 10},
                    new long[] {10, 1}, 1);
        }
        LayerSnapshot s = fresh.close();
        assertThat(s.saturatedUnits()).isEqualTo(7);
        assertThat(s.deadUnits()).isZero();
        Diagnosis d = Diagnosis.evaluate(s, null, null, 0.5);
        assertThat(d.causes()).containsExactly(Cause.SATURATING_ACTIVATION);
        assertThat(d.message("t", "m")).startsWith("deadunit: layer t of m: 70% of units saturated; likely cause: "
                + "saturating_activation (70% of units saturated at a bound)");
        assertThat(w.close().saturatedUnits()).isZero();
    }

    @Test
    void severalCausesAreAllNamedRootCausesFirst() {
        LayerSnapshot layer = relu(10, 9, 0.3, biases(10, 9, -3, 0.1));
        Diagnosis d = Diagnosis.evaluate(layer, relu(10, 10, 0, null), "hidden0", 0.5);
        assertThat(d.causes()).containsExactlyInAnyOrder(Cause.UPSTREAM_DEAD, Cause.HIGH_LEARNING_RATE,
                Cause.NEGATIVE_BIAS);
        assertThat(d.message("h", "m")).contains("likely cause: upstream_dead", "; also high_learning_rate",
                "; also negative_bias");
    }
}
