package io.deadunit.exporter.stats;

import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LayerWindowTest {
    /** Rows are batch positions, columns units. */
    private static void addActivations(LayerWindow window, float[][] rows) {
        int units = rows[0].length;
        FloatBuffer buffer = FloatBuffer.allocate(rows.length * units);
        for (float[] row : rows) {
            buffer.put(row);
        }
        window.addActivations(new FloatTensorData(buffer), 0, new long[]{rows.length, units}, new long[]{units, 1}, 1);
    }

    private static void addGradients(LayerWindow window, float[][] rows) {
        int units = rows[0].length;
        FloatBuffer buffer = FloatBuffer.allocate(rows.length * units);
        for (float[] row : rows) {
            buffer.put(row);
        }
        window.addGradients(new FloatTensorData(buffer), 0, new long[]{rows.length, units}, new long[]{units, 1}, 1);
    }

    @Test
    void aUnitIsDeadOnlyWhenZeroAtEverySampledPositionOfTheWindow() {
        LayerWindow window = new LayerWindow(ActivationBounds.UNBOUNDED);
        addActivations(window, new float[][]{{0, 1, 0, 2}, {0, 0, 0, 3}});
        addActivations(window, new float[][]{{0, 0, 5, 1}});

        LayerSnapshot s = window.close();

        assertThat(s.units()).isEqualTo(4);
        assertThat(s.deadUnits()).isEqualTo(1);
        assertThat(s.deadRatio()).isEqualTo(0.25);
        assertThat(s.positionsPerUnit()).isEqualTo(3);
        assertThat(s.zeroRatio()).isEqualTo(7.0 / 12);
        assertThat(s.activationMean()).isCloseTo(12.0 / 12, within(1e-12));
        assertThat(s.unitActivity(0)).isEqualTo(0);
        assertThat(s.unitActivity(1)).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(s.unitActivity(3)).isEqualTo(1);
        assertThat(s.deadUnitIndices()).containsExactly(0);
        assertThat(s.firingRate(2)).isCloseTo(1.0 / 3, within(1e-12));
    }

    @Test
    void closingStartsAFreshWindow() {
        LayerWindow window = new LayerWindow(ActivationBounds.UNBOUNDED);
        addActivations(window, new float[][]{{1, 0}});
        window.close();
        addActivations(window, new float[][]{{0, 1}});

        LayerSnapshot s = window.close();

        assertThat(s.deadUnits()).isEqualTo(1);
        assertThat(s.unitActivity(0)).isZero();
        assertThat(window.close()).as("a window without forward passes has no snapshot").isNull();
    }

    @Test
    void dormancyScoreIsMeanAbsoluteActivityOverTheLayerAverage() {
        LayerWindow window = new LayerWindow(ActivationBounds.UNBOUNDED);
        // Mean |h| per unit: 0.01, 0.1, 1, 2.89 -> layer average 1.0 -> scores 0.01, 0.1, 1, 2.89.
        addActivations(window, new float[][]{{0.01f, 0.1f, 1f, 2.89f}, {-0.01f, -0.1f, 1f, 2.89f}});

        LayerSnapshot s = window.close();

        assertThat(s.dormantUnits(0)).as("tau 0.025").isEqualTo(1);
        assertThat(s.dormantUnits(1)).as("tau 0.1").isEqualTo(2);
        assertThat(s.dormantUnitIndices(0)).containsExactly(0);
        assertThat(s.dormantUnitIndices(1)).containsExactly(0, 1);
        assertThat(s.deadUnits()).isZero();
    }

    @Test
    void anAllZeroLayerIsAllDeadAndAllDormant() {
        LayerWindow window = new LayerWindow(ActivationBounds.UNBOUNDED);
        addActivations(window, new float[][]{{0, 0, 0}, {0, 0, 0}});

        LayerSnapshot s = window.close();

        assertThat(s.deadUnits()).isEqualTo(3);
        assertThat(s.deadRatio()).isEqualTo(1);
        assertThat(s.dormantUnits(0)).isEqualTo(3);
        assertThat(s.activationStddev()).isZero();
    }

    @Test
    void saturatedWhenWithinOnePercentOfABoundOnNinetyNinePercentOfPositions() {
        LayerWindow window = new LayerWindow(ActivationBounds.forActivation("tanh"));
        float[][] rows = new float[100][];
        for (int i = 0; i < 100; i++) {
            // unit 0 always at +1, unit 1 at -0.985 except once, unit 2 saturated 98 times only, unit 3 healthy
            rows[i] = new float[]{0.999f, i == 0 ? 0.5f : -0.985f, i < 2 ? 0.2f : 0.99f, 0.3f};
        }
        addActivations(window, rows);

        LayerSnapshot s = window.close();

        assertThat(s.saturatedUnits()).isEqualTo(2);
        assertThat(s.saturatedUnitIndices()).containsExactly(0, 1);
        // Bounded activations: activity is the share of non-saturated outputs.
        assertThat(s.unitActivity(0)).isZero();
        assertThat(s.unitActivity(3)).isEqualTo(1);
    }

    @Test
    void unboundedActivationsAreNeverSaturated() {
        LayerWindow window = new LayerWindow(ActivationBounds.forActivation("relu"));
        addActivations(window, new float[][]{{1e6f, -1e6f}});
        assertThat(window.close().saturatedUnits()).isZero();
    }

    @Test
    void gradientNormIsTheMeanOfPerPassL2NormsAndZeroGradientUnitsAreCounted() {
        LayerWindow window = new LayerWindow(ActivationBounds.UNBOUNDED);
        addActivations(window, new float[][]{{1, 1, 1}});
        addGradients(window, new float[][]{{3, 4, 0}});      // norm 5
        addGradients(window, new float[][]{{0, 0, 0}, {0, 1, 0}}); // norm 1

        LayerSnapshot s = window.close();

        assertThat(s.gradientNorm()).isCloseTo(3, within(1e-9));
        assertThat(s.zeroGradientUnits()).isEqualTo(1);
    }

    @Test
    void gradientFieldsAreNaNWithoutABackwardPass() {
        LayerWindow window = new LayerWindow(ActivationBounds.UNBOUNDED);
        addActivations(window, new float[][]{{1, 1}});

        LayerSnapshot s = window.close();

        assertThat(s.hasGradients()).isFalse();
        assertThat(s.zeroGradientUnits()).isNaN();
    }

    @Test
    void countsNonFiniteValuesPerDirectionCumulatively() {
        LayerWindow window = new LayerWindow(ActivationBounds.UNBOUNDED);
        addActivations(window, new float[][]{{Float.NaN, 1}});
        addGradients(window, new float[][]{{Float.POSITIVE_INFINITY, Float.NaN}});
        window.close();
        addActivations(window, new float[][]{{Float.NEGATIVE_INFINITY, 1}});

        assertThat(window.forwardNonFiniteTotal()).isEqualTo(2);
        assertThat(window.backwardNonFiniteTotal()).isEqualTo(2);
    }
}
