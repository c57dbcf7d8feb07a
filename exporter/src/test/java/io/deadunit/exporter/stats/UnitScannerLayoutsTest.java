package io.deadunit.exporter.stats;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Every path of the scanner (rows across units, lanes of long runs, transposed short runs, the exact
 * double path, the masked scan) against a naive reference that walks logical indices one by one in double:
 * counts equal, sums within bounds far tighter than a float sum would meet (see {@link FloatScan}). Layouts cover
 * collapsible axes, size-1 axes, 'f' order, views with offsets and odd strides, negative and zero strides, tensors
 * long enough to fold partials mid-tensor, and NaN, infinities and float-overflowing values anywhere.
 */
class UnitScannerLayoutsTest {
    private static final ActivationBounds SIGMOID = ActivationBounds.forActivation("sigmoid");
    private static final ActivationBounds TANH = ActivationBounds.forActivation("tanh");

    static Stream<Arguments> layouts() {
        List<Arguments> cases = new ArrayList<>();
        add(cases, "dense c", new long[]{64, 256}, new long[]{256, 1}, 0, 1);
        add(cases, "dense f (transposed)", new long[]{64, 256}, new long[]{1, 64}, 0, 1);
        add(cases, "dense c, many rows (folds mid-tensor)", new long[]{2100, 40}, new long[]{40, 1}, 0, 1);
        add(cases, "dense c, few units grouped", new long[]{300, 3}, new long[]{3, 1}, 0, 1);
        add(cases, "dense c, row view of a wider matrix", new long[]{30, 200}, new long[]{260, 1}, 17, 1);
        add(cases, "dense, inner stride 2 (exact path)", new long[]{9, 11}, new long[]{22, 2}, 3, 1);
        add(cases, "dense, negative row stride (exact path)", new long[]{6, 5}, new long[]{-5, 1}, 25, 1);
        add(cases, "dense, broadcast rows (stride 0)", new long[]{7, 33}, new long[]{0, 1}, 0, 1);
        add(cases, "dense, one unit", new long[]{500, 1}, new long[]{1, 1}, 0, 1);
        add(cases, "dense, one row", new long[]{1, 300}, new long[]{300, 1}, 0, 1);
        add(cases, "nchw c, long runs (lanes)", new long[]{8, 12, 24, 24}, new long[]{6912, 576, 24, 1}, 0, 1);
        add(cases, "nchw c, one unit (lanes)", new long[]{3, 1, 30, 30}, new long[]{900, 900, 30, 1}, 0, 1);
        add(cases, "cnhw memory as in fit", new long[]{8, 12, 24, 24}, new long[]{576, 4608, 24, 1}, 0, 1);
        add(cases, "cnhw, a run longer than a block, folds", new long[]{1, 3, 1100, 300},
                new long[]{990000, 330000, 300, 1}, 0, 1);
        add(cases, "nchw c, short runs (transposed)", new long[]{16, 50, 8, 8}, new long[]{3200, 64, 8, 1}, 0, 1);
        add(cases, "nchw c, runs too many to transpose (exact path)", new long[]{4, 300, 7, 7},
                new long[]{14700, 49, 7, 1}, 0, 1);
        add(cases, "nchw, size-1 spatial axes", new long[]{64, 30, 1, 1}, new long[]{30, 1, 1, 1}, 0, 1);
        add(cases, "nchw, channel view with offset", new long[]{4, 5, 6, 6}, new long[]{360, 36, 6, 1}, 72, 1);
        add(cases, "nhwc c", new long[]{4, 6, 6, 20}, new long[]{720, 120, 20, 1}, 0, 3);
        add(cases, "nhwc, few channels", new long[]{8, 10, 10, 3}, new long[]{300, 30, 3, 1}, 0, 3);
        add(cases, "ncw f (lstm output)", new long[]{16, 64, 20}, new long[]{1, 16, 1024}, 0, 1);
        add(cases, "ncw, lstm epsilon strides", new long[]{16, 64, 20}, new long[]{1, 320, 16}, 0, 1);
        add(cases, "ncw c", new long[]{16, 32, 20}, new long[]{640, 20, 1}, 0, 1);
        add(cases, "nwc c", new long[]{16, 20, 32}, new long[]{640, 32, 1}, 0, 2);
        add(cases, "rank 5, two collapsible pairs", new long[]{2, 3, 4, 5, 6}, new long[]{360, 120, 30, 6, 1}, 0,
                2);
        return cases.stream();
    }

    private static void add(List<Arguments> cases, String name, long[] shape, long[] stride, long offset,
                            int unitAxis) {
        cases.add(Arguments.of(name, shape, stride, offset, unitAxis));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void finiteValuesMatchTheReference(String name, long[] shape, long[] stride, long offset, int unitAxis) {
        float[] values = values(shape, stride, offset, 1, 0);
        for (ActivationBounds bounds : new ActivationBounds[]{ActivationBounds.UNBOUNDED, SIGMOID, TANH}) {
            check(values, shape, stride, offset, unitAxis, bounds, true);
        }
        check(values, shape, stride, offset, unitAxis, ActivationBounds.UNBOUNDED, false);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void nonFiniteAndOverflowingValuesAreCountedExactly(String name, long[] shape, long[] stride, long offset,
                                                        int unitAxis) {
        float[] values = values(shape, stride, offset, 2, 0.002);
        check(values, shape, stride, offset, unitAxis, SIGMOID, true);
        check(values, shape, stride, offset, unitAxis, ActivationBounds.UNBOUNDED, false);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void doubleBuffersMatchTheReference(String name, long[] shape, long[] stride, long offset, int unitAxis) {
        float[] values = values(shape, stride, offset, 3, 0.001);
        double[] doubles = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            doubles[i] = values[i];
        }
        UnitAccumulator scanned = new UnitAccumulator(TANH);
        UnitScanner.scan(new DoubleTensorData(DoubleBuffer.wrap(doubles)), offset, shape, stride, unitAxis, scanned);
        Reference expected = Reference.of(values, offset, shape, stride, unitAxis, TANH, null, -1);
        expected.assertMatches(scanned, true);
    }

    static Stream<Arguments> sequences() {
        return Stream.of(
                Arguments.of("ncw f", new long[]{16, 64, 20}, new long[]{1, 16, 1024}, 1, 2),
                Arguments.of("ncw, epsilon strides", new long[]{16, 64, 20}, new long[]{1, 320, 16}, 1, 2),
                Arguments.of("ncw c", new long[]{8, 40, 30}, new long[]{1200, 30, 1}, 1, 2),
                Arguments.of("nwc c", new long[]{8, 30, 40}, new long[]{1200, 40, 1}, 2, 1),
                Arguments.of("nwc c, one unit", new long[]{8, 30, 1}, new long[]{30, 1, 1}, 2, 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sequences")
    void maskedScansMatchTheReference(String name, long[] shape, long[] stride, int unitAxis, int timeAxis) {
        int batch = (int) shape[0];
        int steps = (int) shape[timeAxis];
        float[] mask = new float[batch * steps];
        Random random = new Random(11);
        for (int b = 0; b < batch; b++) {
            int length = 1 + random.nextInt(steps);
            for (int t = 0; t < length; t++) {
                mask[b * steps + t] = 1;
            }
        }
        for (double nonFinite : new double[]{0, 0.01}) {
            float[] values = values(shape, stride, 0, 5, nonFinite);
            for (boolean magnitudes : new boolean[]{true, false}) {
                UnitAccumulator scanned = magnitudes ? new UnitAccumulator(TANH) : UnitAccumulator.forGradients();
                UnitScanner.scanMasked(new FloatTensorData(direct(values)), 0, shape, stride, unitAxis, timeAxis,
                        mask, scanned);
                Reference expected = Reference.of(values, 0, shape, stride, unitAxis,
                        magnitudes ? TANH : ActivationBounds.UNBOUNDED, mask, timeAxis);
                expected.assertMatches(scanned, magnitudes);
            }
        }
    }

    /**
     * The compensation at work: 330,000 copies of 1 + 2^-20 sum exactly in double, but a float running sum loses
     * about 1e-6 of it per slot (each addition to a partial near 1000 rounds off the 2^-20). Rows, lanes and the
     * transposed path each keep the sum within 1e-12.
     */
    @org.junit.jupiter.api.Test
    void compensatedPartialsKeepLongSumsExact() {
        float value = 1f + 0x1p-20f;
        long[][] shapes = {{1, 1, 1100, 300}, {33000, 10}, {1650, 200, 1}};
        long[][] strides = {{330000, 330000, 300, 1}, {10, 1}, {1, 1650, 1}};
        for (int k = 0; k < shapes.length; k++) {
            float[] values = new float[330000];
            java.util.Arrays.fill(values, value);
            UnitAccumulator scanned = new UnitAccumulator(ActivationBounds.UNBOUNDED);
            UnitScanner.scan(new FloatTensorData(direct(values)), 0, shapes[k], strides[k], 1, scanned);
            double exact = 330000 * (double) value;
            assertThat(scanned.sum()).as("layout %d", k).isCloseTo(exact, within(1e-12 * exact));
            double magnitudes = 0;
            for (int u = 0; u < scanned.units(); u++) {
                magnitudes += scanned.sumAbs(u);
            }
            assertThat(magnitudes).as("layout %d", k).isCloseTo(exact, within(1e-12 * exact));
            double squares = 330000 * (double) (value * value);
            assertThat(scanned.sumSquares()).as("layout %d", k).isCloseTo(squares, within(1e-12 * squares));
        }
    }

    private static void check(float[] values, long[] shape, long[] stride, long offset, int unitAxis,
                              ActivationBounds bounds, boolean magnitudes) {
        UnitAccumulator scanned = magnitudes ? new UnitAccumulator(bounds) : UnitAccumulator.forGradients();
        FloatTensorData data = new FloatTensorData(direct(values));
        // Twice: the second tensor adds to the first, and reuses the per-thread scratch the first left clean.
        UnitScanner.scan(data, offset, shape, stride, unitAxis, scanned);
        UnitScanner.scan(data, offset, shape, stride, unitAxis, scanned);
        Reference expected = Reference.of(values, offset, shape, stride, unitAxis,
                magnitudes ? bounds : ActivationBounds.UNBOUNDED, null, -1);
        expected.twice().assertMatches(scanned, magnitudes);
    }

    private static FloatBuffer direct(float[] values) {
        FloatBuffer buffer = ByteBuffer.allocateDirect(values.length * 4).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        buffer.put(values);
        buffer.position(0);
        return buffer;
    }

    /**
     * The buffer a layout reads: exact zeros (both signs), the smallest floats, values on either side of the
     * saturation thresholds, ordinary ones; with {@code nonFinite} > 0, that share of NaN, ±Inf and values whose
     * square overflows a float.
     */
    private static float[] values(long[] shape, long[] stride, long offset, long seed, double nonFinite) {
        long max = offset;
        long min = offset;
        for (int k = 0; k < shape.length; k++) {
            long step = (shape[k] - 1) * stride[k];
            max += Math.max(0, step);
            min += Math.min(0, step);
        }
        assertThat(min).isGreaterThanOrEqualTo(0);
        float[] special = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE,
                FloatScan.floatAtOrBelow(SIGMOID.lowThreshold()), FloatScan.floatAtOrAbove(SIGMOID.highThreshold()),
                Math.nextUp(FloatScan.floatAtOrBelow(SIGMOID.lowThreshold())),
                Math.nextDown(FloatScan.floatAtOrAbove(SIGMOID.highThreshold())),
                FloatScan.floatAtOrBelow(TANH.lowThreshold()), FloatScan.floatAtOrAbove(TANH.highThreshold()),
                -1e4f, 2.5e3f, 1f, -1f};
        float[] bad = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 2e19f, -3e25f, -Float.MAX_VALUE};
        Random random = new Random(seed);
        float[] values = new float[(int) max + 5];
        for (int i = 0; i < values.length; i++) {
            double r = random.nextDouble();
            values[i] = r < nonFinite ? bad[random.nextInt(bad.length)]
                    : r < 0.3 ? 0f
                    : r < 0.35 ? special[random.nextInt(special.length)]
                    : r < 0.45 ? (float) random.nextDouble()
                    : (float) (random.nextGaussian() * 3);
        }
        return values;
    }

    /** Walks logical indices one by one in double: slow and obviously right. */
    static final class Reference {
        int units;
        long count;
        long zeros;
        long nonFinite;
        long positionsPerUnit;
        double sum;
        double sumSquares;
        double sumOfMagnitudes;
        long[] nonZero;
        long[] saturated;
        double[] sumAbs;

        static Reference of(float[] values, long offset, long[] shape, long[] stride, int unitAxis,
                            ActivationBounds bounds, float[] mask, int timeAxis) {
            Reference ref = new Reference();
            ref.units = (int) shape[unitAxis];
            ref.nonZero = new long[ref.units];
            ref.saturated = new long[ref.units];
            ref.sumAbs = new double[ref.units];
            long total = 1;
            for (long d : shape) {
                total *= d;
            }
            long[] index = new long[shape.length];
            for (long flat = 0; flat < total; flat++) {
                long rest = flat;
                long position = offset;
                for (int k = shape.length - 1; k >= 0; k--) {
                    index[k] = rest % shape[k];
                    rest /= shape[k];
                    position += index[k] * stride[k];
                }
                if (mask != null && mask[(int) (index[0] * shape[timeAxis] + index[timeAxis])] == 0) {
                    continue;
                }
                double v = values[(int) position];
                int unit = (int) index[unitAxis];
                ref.count++;
                if (Double.isNaN(v) || Double.isInfinite(v)) {
                    ref.nonFinite++;
                    ref.nonZero[unit]++;
                    continue;
                }
                if (v == 0) {
                    ref.zeros++;
                } else {
                    ref.nonZero[unit]++;
                }
                if (bounds.isBounded() && (v <= bounds.lowThreshold() || v >= bounds.highThreshold())) {
                    ref.saturated[unit]++;
                }
                ref.sumAbs[unit] += Math.abs(v);
                ref.sumOfMagnitudes += Math.abs(v);
                ref.sum += v;
                ref.sumSquares += v * v;
            }
            ref.positionsPerUnit = ref.count / ref.units;
            return ref;
        }

        Reference twice() {
            count *= 2;
            zeros *= 2;
            nonFinite *= 2;
            positionsPerUnit *= 2;
            sum *= 2;
            sumSquares *= 2;
            sumOfMagnitudes *= 2;
            for (int u = 0; u < units; u++) {
                nonZero[u] *= 2;
                saturated[u] *= 2;
                sumAbs[u] *= 2;
            }
            return this;
        }

        /** Sums: 1e-8 of the sum of magnitudes (a float sum of a few hundred terms is off by ~1e-5 of it). */
        void assertMatches(UnitAccumulator scanned, boolean magnitudes) {
            assertThat(scanned.units()).isEqualTo(units);
            assertThat(scanned.count()).isEqualTo(count);
            assertThat(scanned.positionsPerUnit()).isEqualTo(positionsPerUnit);
            assertThat(scanned.nonFinite()).isEqualTo(nonFinite);
            assertThat(scanned.zeros()).isEqualTo(zeros);
            assertThat(scanned.sum()).isCloseTo(sum, within(1e-8 * sumOfMagnitudes + 1e-30));
            assertThat(scanned.sum()).isCloseTo(sum, within(1e-6 * Math.max(1, Math.abs(sum))));
            assertThat(scanned.sumSquares()).isCloseTo(sumSquares, within(1e-7 * sumSquares + 1e-30));
            for (int u = 0; u < units; u++) {
                assertThat(scanned.nonZero(u)).as("non-zero of unit %d", u).isEqualTo(nonZero[u]);
                assertThat(scanned.saturated(u)).as("saturated of unit %d", u).isEqualTo(saturated[u]);
                double expected = magnitudes ? sumAbs[u] : 0;
                assertThat(scanned.sumAbs(u)).as("sum of |v| of unit %d", u)
                        .isCloseTo(expected, within(1e-8 * expected + 1e-30));
            }
        }
    }
}
