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

    private int units = -1;
    private long[] nonZero = new long[0];
    private long[] saturated = new long[0];
    private double[] sumAbs = new double[0];

    private long positionsPerUnit;
    private long count;
    private long zeros;
    private long nonFinite;
    private double sum;
    private double sumSquares;
    private int tensors;

    public UnitAccumulator(ActivationBounds bounds) {
        this.lowThreshold = bounds.lowThreshold();
        this.highThreshold = bounds.highThreshold();
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
        long runNonZero = 0;
        long runSaturated = 0;
        long runZeros = 0;
        long runNonFinite = 0;
        double runSumAbs = 0;
        double runSum = 0;
        double runSumSquares = 0;
        long index = start;
        for (int i = 0; i < n; i++, index += stride) {
            double v = data.get(index);
            if (!(Math.abs(v) <= Double.MAX_VALUE)) {
                runNonFinite++;
                runNonZero++;
                continue;
            }
            if (v == 0) {
                runZeros++;
            } else {
                runNonZero++;
            }
            if (v <= lowThreshold || v >= highThreshold) {
                runSaturated++;
            }
            runSumAbs += Math.abs(v);
            runSum += v;
            runSumSquares += v * v;
        }
        nonZero[unit] += runNonZero;
        saturated[unit] += runSaturated;
        sumAbs[unit] += runSumAbs;
        zeros += runZeros;
        nonFinite += runNonFinite;
        sum += runSum;
        sumSquares += runSumSquares;
        count += n;
    }

    /** A run of {@code n} elements, {@code stride} apart, where element i belongs to unit i. */
    void addRunAcrossUnits(TensorData data, long start, int n, long stride) {
        long runZeros = 0;
        long runNonFinite = 0;
        double runSum = 0;
        double runSumSquares = 0;
        long index = start;
        for (int unit = 0; unit < n; unit++, index += stride) {
            double v = data.get(index);
            if (!(Math.abs(v) <= Double.MAX_VALUE)) {
                runNonFinite++;
                nonZero[unit]++;
                continue;
            }
            if (v == 0) {
                runZeros++;
            } else {
                nonZero[unit]++;
            }
            if (v <= lowThreshold || v >= highThreshold) {
                saturated[unit]++;
            }
            sumAbs[unit] += Math.abs(v);
            runSum += v;
            runSumSquares += v * v;
        }
        zeros += runZeros;
        nonFinite += runNonFinite;
        sum += runSum;
        sumSquares += runSumSquares;
        count += n;
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

    public double sumAbs(int unit) {
        return sumAbs[unit];
    }

    /** Forgets everything accumulated, keeping the arrays for the next window. */
    public void reset() {
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
