package io.deadunit.exporter.stats;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The one-pass scanner against a naive reference that walks logical indices, over layouts seen in DL4J training:
 * 'c' and 'f' order, channel-outermost convolution outputs, offsets into larger buffers, channels-last.
 */
class UnitScannerTest {
    private static final ActivationBounds SIGMOID = ActivationBounds.forActivation("sigmoid");

    @ParameterizedTest
    @ValueSource(strings = {"dense-c", "dense-f", "conv-nchw-c", "conv-cnhw-physical", "rnn-f", "rnn-odd",
            "nhwc-c", "offset-view"})
    void matchesNaiveReductionOnEveryLayout(String layout) {
        assertMatchesNaive(layout, SIGMOID);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dense-c", "dense-f", "conv-nchw-c", "nhwc-c"})
    void unboundedActivationsSkipOnlyTheSaturationTest(String layout) {
        assertMatchesNaive(layout, ActivationBounds.UNBOUNDED);
    }

    private static void assertMatchesNaive(String layout, ActivationBounds bounds) {
        Case c = Case.of(layout);
        UnitAccumulator scanned = new UnitAccumulator(bounds);
        UnitScanner.scan(new FloatTensorData(c.buffer), c.offset, c.shape, c.stride, c.unitAxis, scanned);

        Naive expected = Naive.of(c, bounds);
        assertThat(scanned.units()).isEqualTo(expected.units);
        assertThat(scanned.count()).isEqualTo(expected.count);
        assertThat(scanned.positionsPerUnit()).isEqualTo(expected.count / expected.units);
        assertThat(scanned.zeros()).isEqualTo(expected.zeros);
        assertThat(scanned.sum()).isCloseTo(expected.sum, within(1e-6 * Math.max(1, Math.abs(expected.sum))));
        assertThat(scanned.sumSquares()).isCloseTo(expected.sumSquares, within(1e-6 * expected.sumSquares));
        for (int u = 0; u < expected.units; u++) {
            assertThat(scanned.nonZero(u)).as("non-zero of unit %d", u).isEqualTo(expected.nonZero[u]);
            assertThat(scanned.saturated(u)).as("saturated of unit %d", u).isEqualTo(expected.saturated[u]);
            assertThat(scanned.sumAbs(u)).isCloseTo(expected.sumAbs[u], within(1e-6 * Math.max(1, expected.sumAbs[u])));
        }
    }

    @Test
    void countsNonFiniteValuesAndKeepsSumsFinite() {
        double[] values = {1, Double.NaN, 0, Double.POSITIVE_INFINITY, -2, Double.NEGATIVE_INFINITY};
        UnitAccumulator acc = new UnitAccumulator(ActivationBounds.UNBOUNDED);
        UnitScanner.scan(new DoubleTensorData(DoubleBuffer.wrap(values)), 0, new long[]{3, 2}, new long[]{2, 1}, 1, acc);

        assertThat(acc.nonFinite()).isEqualTo(3);
        assertThat(acc.sum()).isEqualTo(-1);
        assertThat(acc.zeros()).isEqualTo(1);
        // A NaN is evidence of activity, not of a dead unit.
        assertThat(acc.nonZero(0)).isEqualTo(2);
        assertThat(acc.nonZero(1)).isEqualTo(3);
    }

    @Test
    void nonFiniteValuesInARunOfOneUnitAreCountedToo() {
        // [3, 2] in 'f' order: each unit's three values are contiguous, so runs belong to one unit
        double[] values = {1, Double.NaN, 0, Double.POSITIVE_INFINITY, 0, 0};
        UnitAccumulator acc = new UnitAccumulator(ActivationBounds.UNBOUNDED);
        UnitScanner.scan(new DoubleTensorData(DoubleBuffer.wrap(values)), 0, new long[]{3, 2}, new long[]{1, 3}, 1, acc);

        assertThat(acc.nonFinite()).isEqualTo(2);
        assertThat(acc.zeros()).isEqualTo(3);
        assertThat(acc.nonZero(0)).isEqualTo(2);
        assertThat(acc.nonZero(1)).isEqualTo(1);
        assertThat(acc.sum()).isEqualTo(1);
    }

    @Test
    void negativeZeroIsSilenceAndTheSmallestValuesAreActivity() {
        float[] values = {-0.0f, Float.MIN_VALUE, -Float.MIN_VALUE, 0f};
        UnitAccumulator acc = new UnitAccumulator(ActivationBounds.UNBOUNDED);
        UnitScanner.scan(new FloatTensorData(FloatBuffer.wrap(values)), 0, new long[]{1, 4}, new long[]{4, 1}, 1, acc);

        assertThat(acc.nonZero(0)).isZero();
        assertThat(acc.nonZero(1)).isEqualTo(1);
        assertThat(acc.nonZero(2)).isEqualTo(1);
        assertThat(acc.nonZero(3)).isZero();
        assertThat(acc.zeros()).isEqualTo(2);
    }

    @Test
    void readingNeverMovesTheCallersBuffer() {
        FloatBuffer buffer = FloatBuffer.wrap(new float[]{0, 1, 2, 3, 4, 5});
        buffer.position(2);
        UnitScanner.scan(new FloatTensorData(buffer), 0, new long[]{2, 3}, new long[]{3, 1}, 1,
                new UnitAccumulator(ActivationBounds.UNBOUNDED));
        assertThat(buffer.position()).isEqualTo(2);
    }

    @Test
    void maskedTimeStepsAreNoEvidenceOfADeadUnit() {
        // [batch 2, units 2, time 3], 'c' order; example 1 has only 1 real step. Unit 1 is silent on real steps only.
        float[] values = {
                1, 2, 3, /* unit 1 */ 0, 0, 0,
                4, 9, 9, /* unit 1 */ 0, 7, 7};
        float[] mask = {1, 1, 1, 1, 0, 0};
        UnitAccumulator acc = new UnitAccumulator(ActivationBounds.UNBOUNDED);
        UnitScanner.scanMasked(new FloatTensorData(FloatBuffer.wrap(values)), 0, new long[]{2, 2, 3},
                new long[]{6, 3, 1}, 1, 2, mask, acc);

        assertThat(acc.positionsPerUnit()).isEqualTo(4);
        assertThat(acc.nonZero(0)).isEqualTo(4);
        assertThat(acc.nonZero(1)).as("the 7s sit on padding").isZero();
        assertThat(acc.sum()).isEqualTo(1 + 2 + 3 + 4);
    }

    @Test
    void emptyTensorIsIgnored() {
        UnitAccumulator acc = new UnitAccumulator(ActivationBounds.UNBOUNDED);
        UnitScanner.scan(new FloatTensorData(FloatBuffer.allocate(0)), 0, new long[]{0, 5}, new long[]{5, 1}, 1, acc);
        assertThat(acc.tensors()).isZero();
    }

    /** A tensor layout and its buffer. */
    static final class Case {
        FloatBuffer buffer;
        long offset;
        long[] shape;
        long[] stride;
        int unitAxis = 1;

        static Case of(String layout) {
            Case c = new Case();
            switch (layout) {
                case "dense-c": c.layout(new long[]{7, 5}, new long[]{5, 1}, 0); break;
                case "dense-f": c.layout(new long[]{7, 5}, new long[]{1, 7}, 0); break;
                case "conv-nchw-c": c.layout(new long[]{3, 4, 5, 6}, new long[]{120, 30, 6, 1}, 0); break;
                // Seen during DL4J fit: [64,20,24,24] with stride [576,36864,24,1], channel outermost.
                case "conv-cnhw-physical": c.layout(new long[]{3, 4, 5, 6}, new long[]{30, 90, 6, 1}, 0); break;
                case "rnn-f": c.layout(new long[]{4, 6, 5}, new long[]{1, 4, 24}, 0); break;
                // Seen for LSTM epsilons: stride [1, 1280, 64] for [64, 64, 20], neither 'c' nor 'f'.
                case "rnn-odd": c.layout(new long[]{4, 6, 5}, new long[]{1, 20, 4}, 0); break;
                case "nhwc-c": c.layout(new long[]{2, 3, 4, 5}, new long[]{60, 20, 5, 1}, 0); c.unitAxis = 3; break;
                case "offset-view": c.layout(new long[]{4, 3}, new long[]{6, 2}, 5); break;
                default: throw new IllegalArgumentException(layout);
            }
            return c;
        }

        private void layout(long[] shape, long[] stride, long offset) {
            this.shape = shape;
            this.stride = stride;
            this.offset = offset;
            long max = offset;
            for (int k = 0; k < shape.length; k++) {
                max += (shape[k] - 1) * stride[k];
            }
            Random random = new Random(42);
            buffer = FloatBuffer.allocate((int) max + 3);
            for (int i = 0; i < buffer.capacity(); i++) {
                double r = random.nextDouble();
                // A mix of exact zeros, saturated values near 0 and 1, and ordinary ones.
                buffer.put(i, r < 0.3f ? 0f : r < 0.4f ? 0.995f : r < 0.5f ? 0.004f : (float) (random.nextGaussian()));
            }
        }
    }

    /** Walks logical indices one by one: slow and obviously right. */
    static final class Naive {
        int units;
        long count;
        long zeros;
        double sum;
        double sumSquares;
        long[] nonZero;
        long[] saturated;
        double[] sumAbs;

        static Naive of(Case c, ActivationBounds bounds) {
            Naive n = new Naive();
            n.units = (int) c.shape[c.unitAxis];
            n.nonZero = new long[n.units];
            n.saturated = new long[n.units];
            n.sumAbs = new double[n.units];
            long total = 1;
            for (long d : c.shape) {
                total *= d;
            }
            long[] index = new long[c.shape.length];
            for (long flat = 0; flat < total; flat++) {
                long rest = flat;
                long position = c.offset;
                for (int k = c.shape.length - 1; k >= 0; k--) {
                    index[k] = rest % c.shape[k];
                    rest /= c.shape[k];
                    position += index[k] * c.stride[k];
                }
                double v = c.buffer.get((int) position);
                int unit = (int) index[c.unitAxis];
                n.count++;
                if (v == 0) {
                    n.zeros++;
                } else {
                    n.nonZero[unit]++;
                }
                if (v <= bounds.lowThreshold() || v >= bounds.highThreshold()) {
                    n.saturated[unit]++;
                }
                n.sumAbs[unit] += Math.abs(v);
                n.sum += v;
                n.sumSquares += v * v;
            }
            return n;
        }
    }
}
