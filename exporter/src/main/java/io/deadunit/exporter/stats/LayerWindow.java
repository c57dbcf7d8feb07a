package io.deadunit.exporter.stats;

/**
 * Accumulates one layer's forward activations and backward gradients over a window and turns them into a
 * {@link LayerSnapshot} when the window closes. Not thread-safe: owned by the layer's training thread.
 */
public final class LayerWindow {
    /** A unit is saturated when at least this share of its sampled outputs sit at a bound. */
    public static final double SATURATED_SHARE = 0.99;

    private final boolean bounded;
    private final UnitAccumulator forward;
    private final UnitAccumulator backward = UnitAccumulator.forGradients();
    private double gradientNormSum;
    private int gradientNorms;

    private long forwardNonFinite;
    private long backwardNonFinite;

    // Weight evidence, handed in by the adapter after the optimizer step (see addUpdateRatio and the setters).
    private double updateRatioSum;
    private int updateRatios;
    private double stagnantUnits = Double.NaN;
    private double learningRate = Double.NaN;
    private double[] biases;

    public LayerWindow(ActivationBounds bounds) {
        this.bounded = bounds.isBounded();
        this.forward = new UnitAccumulator(bounds);
    }

    public void addActivations(TensorData data, long offset, long[] shape, long[] stride, int unitAxis) {
        addActivations(data, offset, shape, stride, unitAxis, -1, null);
    }

    /** Activations, skipping masked time steps when {@code mask} is given: see {@link UnitScanner#scanMasked}. */
    public void addActivations(TensorData data, long offset, long[] shape, long[] stride, int unitAxis, int timeAxis,
                               float[] mask) {
        long before = forward.nonFinite();
        scan(data, offset, shape, stride, unitAxis, timeAxis, mask, forward);
        forwardNonFinite += forward.nonFinite() - before;
    }

    public void addGradients(TensorData data, long offset, long[] shape, long[] stride, int unitAxis) {
        addGradients(data, offset, shape, stride, unitAxis, -1, null);
    }

    /** Gradients, skipping masked time steps when {@code mask} is given. */
    public void addGradients(TensorData data, long offset, long[] shape, long[] stride, int unitAxis, int timeAxis,
                             float[] mask) {
        double squaresBefore = backward.sumSquares();
        long before = backward.nonFinite();
        scan(data, offset, shape, stride, unitAxis, timeAxis, mask, backward);
        gradientNormSum += Math.sqrt(backward.sumSquares() - squaresBefore);
        gradientNorms++;
        backwardNonFinite += backward.nonFinite() - before;
    }

    private static void scan(TensorData data, long offset, long[] shape, long[] stride, int unitAxis, int timeAxis,
                             float[] mask, UnitAccumulator accumulator) {
        if (mask == null) {
            UnitScanner.scan(data, offset, shape, stride, unitAxis, accumulator);
        } else {
            UnitScanner.scanMasked(data, offset, shape, stride, unitAxis, timeAxis, mask, accumulator);
        }
    }

    /** ‖ΔW‖/‖W‖ of one sampled optimizer step; the snapshot reports the mean over the window. NaN is ignored. */
    public void addUpdateRatio(double ratio) {
        if (!Double.isNaN(ratio)) {
            updateRatioSum += ratio;
            updateRatios++;
        }
    }

    /** Units whose incoming weights did not change over this window (a negative count is stored as NaN). */
    public void setStagnantUnits(int units) {
        stagnantUnits = units < 0 ? Double.NaN : units;
    }

    public void setLearningRate(double learningRate) {
        this.learningRate = learningRate;
    }

    /** Each unit's bias at the end of the window (index = unit), or null when the layer has no per-unit bias. */
    public void setBiases(double[] biases) {
        this.biases = biases;
    }

    /** Units seen in the last forward pass, or -1 before the first one. */
    public int units() {
        return forward.units();
    }

    /** Non-finite activations seen since the layer was first observed. */
    public long forwardNonFiniteTotal() {
        return forwardNonFinite;
    }

    /** Non-finite gradients seen since the layer was first observed. */
    public long backwardNonFiniteTotal() {
        return backwardNonFinite;
    }

    public boolean hasActivations() {
        return forward.tensors() > 0;
    }

    /** Drops the open window without computing its statistics, and the per-unit arrays (out of memory). */
    public void release() {
        close(false);
        forward.release();
        backward.release();
    }

    /** Statistics of the window so far, or null when no forward pass was seen; then starts a new window. */
    public LayerSnapshot close() {
        return close(true);
    }

    private LayerSnapshot close(boolean report) {
        LayerSnapshot snapshot = report && hasActivations() ? snapshot() : null;
        forward.reset();
        backward.reset();
        gradientNormSum = 0;
        gradientNorms = 0;
        updateRatioSum = 0;
        updateRatios = 0;
        stagnantUnits = Double.NaN;
        learningRate = Double.NaN;
        biases = null;
        return snapshot;
    }

    /** Statistics of the window so far, leaving it open (for the exit summary). */
    public LayerSnapshot peek() {
        return hasActivations() ? snapshot() : null;
    }

    /**
     * Runs once per layer and window, so it mostly runs in the interpreter (too rarely for the JIT): the per-unit
     * loops read the accumulator's arrays directly and call nothing, which makes them several times cheaper there.
     */
    private LayerSnapshot snapshot() {
        int units = forward.units();
        long positions = forward.positionsPerUnit();
        long[] nonZero = forward.nonZeroCounts();
        long[] atBound = forward.saturatedCounts();
        double[] sumAbs = forward.sumsAbs();
        int[] dead = new int[units];
        int deadCount = 0;
        int[] saturated = new int[units];
        int saturatedCount = 0;
        double saturatedFrom = SATURATED_SHARE * positions;
        double totalSumAbs = 0;
        double[] activity = new double[units];
        double[] firingRate = new double[units];
        for (int u = 0; u < units; u++) {
            long fired = nonZero[u];
            if (fired == 0) {
                dead[deadCount++] = u;
            }
            if (bounded && atBound[u] >= saturatedFrom) {
                saturated[saturatedCount++] = u;
            }
            double rate = positions == 0 ? 0 : (double) fired / positions;
            firingRate[u] = rate;
            activity[u] = positions == 0 ? 0 : bounded ? (double) (positions - atBound[u]) / positions : rate;
            totalSumAbs += sumAbs[u];
        }
        int[][] dormant = dormant(units, totalSumAbs / units, sumAbs);

        long finite = forward.count() - forward.nonFinite();
        double mean = finite == 0 ? Double.NaN : forward.sum() / finite;
        double variance = finite == 0 ? Double.NaN : Math.max(0, forward.sumSquares() / finite - mean * mean);
        double zeroRatio = forward.count() == 0 ? Double.NaN : (double) forward.zeros() / forward.count();

        double gradientNorm = Double.NaN;
        double zeroGradientUnits = Double.NaN;
        if (gradientNorms > 0 && backward.units() == units) {
            gradientNorm = gradientNormSum / gradientNorms;
            long[] gradientNonZero = backward.nonZeroCounts();
            int zeroGradient = 0;
            for (int u = 0; u < units; u++) {
                if (gradientNonZero[u] == 0) {
                    zeroGradient++;
                }
            }
            zeroGradientUnits = zeroGradient;
        }
        double updateRatio = updateRatios == 0 ? Double.NaN : updateRatioSum / updateRatios;
        double[] unitBiases = biases != null && biases.length == units ? biases.clone() : null;
        return new LayerSnapshot(units, positions, java.util.Arrays.copyOf(dead, deadCount),
                dormant, java.util.Arrays.copyOf(saturated, saturatedCount), mean, Math.sqrt(variance), zeroRatio,
                activity, firingRate, gradientNorm, zeroGradientUnits, updateRatio, stagnantUnits, learningRate,
                unitBiases);
    }

    /**
     * Per τ of {@link LayerSnapshot#DORMANT_TAUS}, the units whose dormancy score is at most τ, in unit order. The
     * score of unit i: its mean |activation| over the layer's average mean |activation|. Both sides share the same
     * positions, so sums can stand for means. A layer whose outputs are all 0 is wholly dormant.
     */
    private static int[][] dormant(int units, double averageSumAbs, double[] sumAbs) {
        int[][] dormant = new int[LayerSnapshot.DORMANT_TAUS.length][];
        int[] found = new int[units];
        for (int t = 0; t < dormant.length; t++) {
            double tau = LayerSnapshot.DORMANT_TAUS[t];
            int count = 0;
            for (int u = 0; u < units; u++) {
                double score = averageSumAbs == 0 ? 0 : sumAbs[u] / averageSumAbs;
                if (score <= tau) {
                    found[count++] = u;
                }
            }
            dormant[t] = java.util.Arrays.copyOf(found, count);
        }
        return dormant;
    }
}
