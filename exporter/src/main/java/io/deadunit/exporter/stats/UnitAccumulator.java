package io.deadunit.exporter.stats;

import java.util.Arrays;

/**
 * Per-unit and per-layer sums over the tensors of one window. Filled by {@link UnitScanner} in a single pass over
 * each tensor's memory; allocates only when the number of units changes.
 *
 * <p>Not thread-safe: one accumulator belongs to one layer of one model, which trains on one thread.
 */
public final class UnitAccumulator {
    private final double lowThreshold;
    private final double highThreshold;
    /** Only bounded activations (sigmoid, tanh…) can saturate: the others skip the test. */
    private final boolean bounded;
    /** Whether each unit's sum of |value| is kept (activations: dormant units); gradients need none. */
    private final boolean magnitudes;

    private int units = -1;
    private long[] nonZero = new long[0];
    private long[] saturated = new long[0];
    private double[] sumAbs = new double[0];
    private double[] values = new double[0];

    private long positionsPerUnit;
    private long count;
    private long zeros;
    private long nonFinite;
    private double sum;
    private double sumSquares;
    private int tensors;

    public UnitAccumulator(ActivationBounds bounds) {
        this(bounds, true);
    }

    /** For gradients: per unit, only whether it received any; no saturation and no magnitude ({@link #sumAbs}). */
    public static UnitAccumulator forGradients() {
        return new UnitAccumulator(ActivationBounds.UNBOUNDED, false);
    }

    private UnitAccumulator(ActivationBounds bounds, boolean magnitudes) {
        this.magnitudes = magnitudes;
        this.lowThreshold = bounds.lowThreshold();
        this.highThreshold = bounds.highThreshold();
        this.bounded = bounds.isBounded();
    }

    /** Prepares for a tensor with {@code units} units; a change of unit count discards what was accumulated. */
    void beginTensor(int units, long positionsPerUnit) {
        if (units != this.units) {
            this.units = units;
            nonZero = new long[units];
            saturated = new long[units];
            sumAbs = new double[units];
            resetSums();
        }
        this.positionsPerUnit += positionsPerUnit;
        this.tensors++;
    }

    /** A run of {@code n} elements, {@code stride} apart, that all belong to unit {@code unit}. */
    void addRunOfOneUnit(TensorData data, long start, int n, long stride, int unit) {
        double[] values = run(data, start, n, stride);
        long runFired = 0;
        long runSaturated = 0;
        long runNonFinite = 0;
        double runSumAbs = 0;
        double runSum = 0;
        double runSumSquares = 0;
        for (int i = 0; i < n; i++) {
            double v = values[i];
            if (!(Math.abs(v) <= Double.MAX_VALUE)) {
                runNonFinite++;
                continue;
            }
            runFired += nonZero(v);
            if (bounded && (v <= lowThreshold || v >= highThreshold)) {
                runSaturated++;
            }
            runSumAbs += Math.abs(v);
            runSum += v;
            runSumSquares += v * v;
        }
        nonZero[unit] += runFired + runNonFinite;
        saturated[unit] += runSaturated;
        if (magnitudes) {
            sumAbs[unit] += runSumAbs;
        }
        zeros += n - runNonFinite - runFired;
        nonFinite += runNonFinite;
        sum += runSum;
        sumSquares += runSumSquares;
        count += n;
    }

    /** A run of {@code n} elements, {@code stride} apart, where element i belongs to unit i. */
    void addRunAcrossUnits(TensorData data, long start, int n, long stride) {
        double[] values = run(data, start, n, stride);
        long[] unitNonZero = nonZero;
        long[] unitSaturated = saturated;
        double[] unitSumAbs = sumAbs;
        long runFired = 0;
        long runNonFinite = 0;
        double runSum = 0;
        double runSumSquares = 0;
        for (int unit = 0; unit < n; unit++) {
            double v = values[unit];
            if (!(Math.abs(v) <= Double.MAX_VALUE)) {
                runNonFinite++;
                unitNonZero[unit]++;
                continue;
            }
            int fired = nonZero(v);
            unitNonZero[unit] += fired;
            runFired += fired;
            if (bounded && (v <= lowThreshold || v >= highThreshold)) {
                unitSaturated[unit]++;
            }
            if (magnitudes) {
                unitSumAbs[unit] += Math.abs(v);
            }
            runSum += v;
            runSumSquares += v * v;
        }
        zeros += n - runNonFinite - runFired;
        nonFinite += runNonFinite;
        sum += runSum;
        sumSquares += runSumSquares;
        count += n;
    }

    /**
     * One whole tensor's totals from the float fast path ({@link FloatScan}), which saw no non-finite value:
     * per-unit sums of |v|, non-zero and saturated counts (indices below {@link #units()}), and layer sums.
     */
    void addTensorTotals(long n, double[] unitSumAbs, long[] unitNonZero, long[] unitSaturated, double tensorSum,
                         double tensorSumSquares) {
        long fired = 0;
        for (int unit = 0; unit < units; unit++) {
            nonZero[unit] += unitNonZero[unit];
            fired += unitNonZero[unit];
        }
        if (bounded) {
            for (int unit = 0; unit < units; unit++) {
                saturated[unit] += unitSaturated[unit];
            }
        }
        if (magnitudes) {
            for (int unit = 0; unit < units; unit++) {
                sumAbs[unit] += unitSumAbs[unit];
            }
        }
        zeros += n - fired;
        sum += tensorSum;
        sumSquares += tensorSumSquares;
        count += n;
    }

    boolean bounded() {
        return bounded;
    }

    /** Whether each unit's sum of |value| is kept (false for {@link #forGradients()}). */
    boolean magnitudes() {
        return magnitudes;
    }

    double lowThreshold() {
        return lowThreshold;
    }

    double highThreshold() {
        return highThreshold;
    }

    /**
     * 1 when {@code v} is not zero (either sign), else 0, without a branch: whether a unit fired is close to random,
     * and a mispredicted branch per element cost more than the rest of the scan loop.
     */
    private static int nonZero(double v) {
        long magnitude = Double.doubleToRawLongBits(v) & Long.MAX_VALUE;
        return (int) ((magnitude | -magnitude) >>> 63);
    }

    /** The run's elements in a reused array: one bulk read, then a loop without buffer calls. */
    private double[] run(TensorData data, long start, int n, long stride) {
        if (values.length < n) {
            values = new double[n];
        }
        data.read(start, n, stride, values);
        return values;
    }

    public int units() {
        return units;
    }

    public int tensors() {
        return tensors;
    }

    public long positionsPerUnit() {
        return positionsPerUnit;
    }

    public long count() {
        return count;
    }

    public long zeros() {
        return zeros;
    }

    public long nonFinite() {
        return nonFinite;
    }

    public double sum() {
        return sum;
    }

    public double sumSquares() {
        return sumSquares;
    }

    public long nonZero(int unit) {
        return nonZero[unit];
    }

    public long saturated(int unit) {
        return saturated[unit];
    }

    /** Each unit's non-zero count, index = unit (the accumulator's own array: read, never write). */
    long[] nonZeroCounts() {
        return nonZero;
    }

    /** Each unit's saturated count, index = unit (the accumulator's own array: read, never write). */
    long[] saturatedCounts() {
        return saturated;
    }

    /** Each unit's sum of |value|, index = unit (the accumulator's own array: read, never write). */
    double[] sumsAbs() {
        return sumAbs;
    }

    /** Each unit's sum of |value|; always 0 for an accumulator {@link #forGradients()}. */
    public double sumAbs(int unit) {
        return sumAbs[unit];
    }

    /** Forgets everything accumulated, keeping the arrays for the next window. */
    public void reset() {
        resetSums();
    }

    /** Drops the per-unit arrays (the agent ran out of memory); the next tensor makes them again. */
    void release() {
        units = -1;
        nonZero = new long[0];
        saturated = new long[0];
        sumAbs = new double[0];
        values = new double[0];
        resetSums();
    }

    private void resetSums() {
        Arrays.fill(nonZero, 0);
        Arrays.fill(saturated, 0);
        Arrays.fill(sumAbs, 0);
        positionsPerUnit = 0;
        count = 0;
        zeros = 0;
        nonFinite = 0;
        sum = 0;
        sumSquares = 0;
        tensors = 0;
    }
}
