package io.deadunit.exporter.stats;

import org.junit.jupiter.api.Test;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class WeightTrackerTest {
    /** W [3, 4] in 'f' order (stride [1, 3]): unit j = column j = elements 3j..3j+2, after 2 leading elements. */
    private static float[] denseF() {
        float[] buffer = new float[2 + 12];
        for (int i = 0; i < 12; i++) {
            buffer[2 + i] = 0.1f * (i + 1);
        }
        return buffer;
    }

    private static final long[] SHAPE = {3, 4};
    private static final long[] F_STRIDE = {1, 3};
    private static final long[] C_STRIDE = {4, 1};

    @Test
    void compactLengthAcceptsDenseLayoutsOnly() {
        assertThat(WeightStats.compactLength(SHAPE, F_STRIDE)).isEqualTo(12);
        assertThat(WeightStats.compactLength(SHAPE, C_STRIDE)).isEqualTo(12);
        assertThat(WeightStats.compactLength(new long[] {2, 3, 3, 3}, new long[] {27, 9, 3, 1})).isEqualTo(54);
        assertThat(WeightStats.compactLength(new long[] {1, 5}, new long[] {99, 1})).isEqualTo(5);
        assertThat(WeightStats.compactLength(SHAPE, new long[] {1, 4})).as("gap").isEqualTo(-1);
        assertThat(WeightStats.compactLength(SHAPE, new long[] {2, 1})).as("overlap").isEqualTo(-1);
        assertThat(WeightStats.compactLength(SHAPE, new long[] {1})).isEqualTo(-1);
    }

    @Test
    void stagnantUnitsAreColumnsWithoutAnyChange() {
        float[] buffer = denseF();
        FloatTensorData data = new FloatTensorData(FloatBuffer.wrap(buffer));
        WeightTracker tracker = new WeightTracker();
        assertThat(tracker.stagnantUnits(data, 2, SHAPE, F_STRIDE, 1)).as("no copy").isEqualTo(-1);
        tracker.begin(data, 2, 12);
        assertThat(tracker.stagnantUnits(data, 2, SHAPE, F_STRIDE, 1)).isEqualTo(4);
        buffer[2 + 3 * 1 + 2] += 1e-6f;     // column 1, last row
        buffer[2 + 3 * 3] = Float.NaN;       // column 3, first row
        assertThat(tracker.stagnantUnits(data, 2, SHAPE, F_STRIDE, 1)).isEqualTo(2);
        buffer[2] = -0.0f;                   // 0.1 -> -0: changed
        assertThat(tracker.stagnantUnits(data, 2, SHAPE, F_STRIDE, 1)).isEqualTo(1);
        assertThat(tracker.stagnantUnits(data, 2, new long[] {4, 4}, new long[] {1, 4}, 1)).as("size changed")
                .isEqualTo(-1);
        tracker.clear();
        assertThat(tracker.stagnantUnits(data, 2, SHAPE, F_STRIDE, 1)).isEqualTo(-1);
    }

    @Test
    void unitsSpreadOverSeveralChunksAreEachComparedWhole() {
        // W [1000, 40] 'f' after 7 leading elements: 40,000 floats, compared in chunks of whole units (16 per chunk)
        int rows = 1000;
        int units = 40;
        float[] buffer = new float[7 + rows * units];
        for (int i = 0; i < buffer.length; i++) {
            buffer[i] = (float) Math.cos(i);
        }
        FloatTensorData data = new FloatTensorData(FloatBuffer.wrap(buffer));
        long[] shape = {rows, units};
        long[] stride = {1, rows};
        WeightTracker tracker = new WeightTracker();
        tracker.begin(data, 7, (long) rows * units);
        assertThat(tracker.stagnantUnits(data, 7, shape, stride, 1)).isEqualTo(units);
        int[] changedUnits = {0, 15, 16, 31, 32, 39};   // first and last unit of each chunk
        for (int u : changedUnits) {
            buffer[7 + u * rows + rows - 1] = Math.nextDown(buffer[7 + u * rows + rows - 1]); // its last weight
        }
        buffer[6] = 42f;                                  // before the tensor: not a weight
        assertThat(tracker.stagnantUnits(data, 7, shape, stride, 1)).isEqualTo(units - changedUnits.length);
    }

    @Test
    void bulkComparisonKeepsBitwiseSemanticsOnLargeBlocks() {
        // W [300, 5] 'f': unit j = elements 300j..300j+299 (blocks long enough for a vectorised comparison)
        int rows = 300;
        float[] buffer = new float[rows * 5];
        for (int i = 0; i < buffer.length; i++) {
            buffer[i] = (float) Math.sin(i);
        }
        buffer[rows * 4 + 17] = Float.NaN;  // unit 4 holds a NaN from the start and keeps it
        FloatTensorData data = new FloatTensorData(FloatBuffer.wrap(buffer));
        long[] shape = {rows, 5};
        long[] stride = {1, rows};
        WeightTracker tracker = new WeightTracker();
        tracker.begin(data, 0, buffer.length);
        assertThat(tracker.stagnantUnits(data, 0, shape, stride, 1)).as("NaN never equals itself").isEqualTo(4);
        buffer[rows * 1 + 299] = Math.nextUp(buffer[rows * 1 + 299]);   // unit 1: last element, one ulp
        buffer[rows * 2 + 150] = -buffer[rows * 2 + 150];                // unit 2: sign flipped
        buffer[rows * 3] = Float.intBitsToFloat(Float.floatToRawIntBits(buffer[rows * 3]) ^ 1);  // unit 3: one bit
        assertThat(tracker.stagnantUnits(data, 0, shape, stride, 1)).isEqualTo(1);
        // Floats are compared bit for bit: -0 is not +0 there, although it is by value.
        float[] zeros = new float[rows * 2];
        FloatTensorData z = new FloatTensorData(FloatBuffer.wrap(zeros));
        tracker.begin(z, 0, zeros.length);
        zeros[rows + 123] = -0.0f;           // unit 1: +0 -> -0 is a change
        assertThat(tracker.stagnantUnits(z, 0, new long[] {rows, 2}, new long[] {1, rows}, 1)).isEqualTo(1);
        double[] doubles = new double[rows * 2];
        DoubleTensorData d = new DoubleTensorData(DoubleBuffer.wrap(doubles));
        tracker.begin(d, 0, doubles.length);
        doubles[rows + rows - 1] = -0.0;     // unit 1: +0 -> -0 is a change
        assertThat(tracker.stagnantUnits(d, 0, new long[] {rows, 2}, new long[] {1, rows}, 1)).isEqualTo(1);
    }

    @Test
    void unitsAlongAnInnerAxisAndDoubles() {
        // 'c' order W [3, 4], units on axis 1 (stride 1): unit j = elements j, j+4, j+8
        double[] buffer = new double[12];
        for (int i = 0; i < 12; i++) {
            buffer[i] = i;
        }
        DoubleTensorData data = new DoubleTensorData(DoubleBuffer.wrap(buffer));
        WeightTracker tracker = new WeightTracker();
        tracker.begin(data, 0, 12);
        buffer[9] += 1e-12;                  // unit 1: a change a float copy would miss
        assertThat(tracker.stagnantUnits(data, 0, SHAPE, C_STRIDE, 1)).isEqualTo(3);
        // units on axis 0 (convolution-like W [nOut, ...]): row 2 changed
        assertThat(tracker.stagnantUnits(data, 0, SHAPE, C_STRIDE, 0)).isEqualTo(2);
    }

    @Test
    void updateRatioIsTheStepOverTheWeightsBeforeIt() {
        // after = before - update
        float[] after = {0, 3, 4};
        float[] update = {9, 1, 1};
        double[] sums = new double[2];
        WeightStats.addStep(new FloatTensorData(FloatBuffer.wrap(after)), 1, new FloatTensorData(FloatBuffer.wrap(update)),
                1, 2, sums);
        // before = {4, 5}: ||before|| = sqrt(41), ||update|| = sqrt(2)
        assertThat(WeightStats.updateRatio(sums)).isCloseTo(Math.sqrt(2.0 / 41), within(1e-12));
        assertThat(WeightStats.updateRatio(new double[2])).isNaN();
        assertThat(WeightStats.updateRatio(new double[] {1, 0})).isInfinite();
    }

    @Test
    void aSampledUpdateRatioEstimatesTheFullOne() {
        int n = 200_000;
        float[] after = new float[n];
        float[] update = new float[n];
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < n; i++) {
            after[i] = (float) random.nextGaussian();
            update[i] = (float) (1e-3 * random.nextGaussian());
        }
        FloatTensorData weights = new FloatTensorData(FloatBuffer.wrap(after));
        FloatTensorData step = new FloatTensorData(FloatBuffer.wrap(update));
        double[] full = new double[2];
        WeightStats.addStep(weights, 0, step, 0, n, full);
        double[] sampled = new double[2];
        WeightStats.addStep(weights, 0, step, 0, n, 8_192, sampled);

        assertThat(WeightStats.updateRatio(sampled))
                .isCloseTo(WeightStats.updateRatio(full), within(0.02 * WeightStats.updateRatio(full)));
        // both sums are scaled to the whole tensor
        assertThat(sampled[1]).isCloseTo(full[1], within(0.05 * full[1]));
    }

    @Test
    void aTensorWithinTheBudgetIsReadWhole() {
        float[] after = new float[1000];
        float[] update = new float[1000];
        for (int i = 0; i < 1000; i++) {
            after[i] = i % 7;
            update[i] = i % 3;
        }
        double[] full = new double[2];
        WeightStats.addStep(new FloatTensorData(FloatBuffer.wrap(after)), 0, new FloatTensorData(FloatBuffer.wrap(update)),
                0, 1000, full);
        double[] budget = new double[2];
        WeightStats.addStep(new FloatTensorData(FloatBuffer.wrap(after)), 0, new FloatTensorData(FloatBuffer.wrap(update)),
                0, 1000, 8_192, budget);
        assertThat(budget).containsExactly(full);
    }
}
