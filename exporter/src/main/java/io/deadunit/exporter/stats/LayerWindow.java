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

    private LayerSnapshot snapshot() {
        int units = forward.units();
        long positions = forward.positionsPerUnit();
        UnitSets sets = new UnitSets(units);
        double totalSumAbs = 0;
        double[] activity = new double[units];
        double[] firingRate = new double[units];
        for (int u = 0; u < units; u++) {
            long nonZero = forward.nonZero(u);
            long atBound = forward.saturated(u);
            if (nonZero == 0) {
                sets.dead.add(u);
            }
            if (bounded && atBound >= SATURATED_SHARE * positions) {
                sets.saturated.add(u);
            }
            firingRate[u] = positions == 0 ? 0 : (double) nonZero / positions;
            activity[u] = positions == 0 ? 0 : bounded ? (double) (positions - atBound) / positions : firingRate[u];
            totalSumAbs += forward.sumAbs(u);
        }
        addDormant(units, totalSumAbs / units, sets);

        long finite = forward.count() - forward.nonFinite();
        double mean = finite == 0 ? Double.NaN : forward.sum() / finite;
        double variance = finite == 0 ? Double.NaN : Math.max(0, forward.sumSquares() / finite - mean * mean);
        double zeroRatio = forward.count() == 0 ? Double.NaN : (double) forward.zeros() / forward.count();

        double gradientNorm = Double.NaN;
        double zeroGradientUnits = Double.NaN;
        if (gradientNorms > 0 && backward.units() == units) {
            gradientNorm = gradientNormSum / gradientNorms;
            int zeroGradient = 0;
            for (int u = 0; u < units; u++) {
                if (backward.nonZero(u) == 0) {
                    zeroGradient++;
                }
            }
            zeroGradientUnits = zeroGradient;
        }
        double updateRatio = updateRatios == 0 ? Double.NaN : updateRatioSum / updateRatios;
        double[] unitBiases = biases != null && biases.length == units ? biases.clone() : null;
        return new LayerSnapshot(units, positions, sets.dead.toArray(), sets.dormantArrays(), sets.saturated.toArray(),
                mean, Math.sqrt(variance), zeroRatio, activity, firingRate, gradientNorm, zeroGradientUnits,
                updateRatio, stagnantUnits, learningRate, unitBiases);
    }

    /**
     * Dormancy score of unit i: its mean |activation| over the layer's average mean |activation|. Both sides
     * share the same positions, so sums can stand for means. A layer whose outputs are all 0 is wholly dormant.
     */
    private void addDormant(int units, double averageSumAbs, UnitSets sets) {
        for (int u = 0; u < units; u++) {
            double score = averageSumAbs == 0 ? 0 : forward.sumAbs(u) / averageSumAbs;
            for (int t = 0; t < LayerSnapshot.DORMANT_TAUS.length; t++) {
                if (score <= LayerSnapshot.DORMANT_TAUS[t]) {
                    sets.dormant[t].add(u);
                }
            }
        }
    }

    /** Indices of the units in each category, collected in one pass. */
    private static final class UnitSets {
        final IntList dead;
        final IntList saturated;
        final IntList[] dormant = new IntList[LayerSnapshot.DORMANT_TAUS.length];

        UnitSets(int units) {
            dead = new IntList(units);
            saturated = new IntList(units);
            for (int t = 0; t < dormant.length; t++) {
                dormant[t] = new IntList(units);
            }
        }

        int[][] dormantArrays() {
            int[][] arrays = new int[dormant.length][];
            for (int t = 0; t < dormant.length; t++) {
                arrays[t] = dormant[t].toArray();
            }
            return arrays;
        }
    }

    /** A growable list of unit indices, without boxing. */
    private static final class IntList {
        private final int[] values;
        private int size;

        IntList(int capacity) {
            values = new int[capacity];
        }

        void add(int value) {
            values[size++] = value;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(values, size);
        }
    }
}
