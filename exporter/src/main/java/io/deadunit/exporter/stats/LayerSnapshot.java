package io.deadunit.exporter.stats;

/**
 * The statistics of one layer over one closed window: immutable, published to meters and the exit summary.
 * Gradient fields are NaN when the window saw no backward pass of the layer.
 */
public final class LayerSnapshot {
    /** Dormancy thresholds τ reported, as in Sokar et al. (2023). */
    public static final double[] DORMANT_TAUS = {0.025, 0.1};

    private final int units;
    private final long positionsPerUnit;
    private final int[] deadUnits;
    private final int[][] dormantUnits;
    private final int[] saturatedUnits;
    private final double activationMean;
    private final double activationStddev;
    private final double zeroRatio;
    private final double[] unitActivity;
    private final double[] firingRate;
    private final double gradientNorm;
    private final double zeroGradientUnits;
    private final double updateRatio;
    private final double stagnantUnits;
    private final double learningRate;
    private final double[] biases;

    /**
     * @param updateRatio   mean over the window's sampled optimizer steps of ‖ΔW‖/‖W‖, or NaN
     * @param stagnantUnits units whose incoming weights did not change at all in the window, or NaN
     * @param learningRate  the learning rate of the layer's weight updater, or NaN
     * @param biases        each unit's bias at the end of the window, or null
     */
    LayerSnapshot(int units, long positionsPerUnit, int[] deadUnits, int[][] dormantUnits, int[] saturatedUnits,
                  double activationMean, double activationStddev, double zeroRatio, double[] unitActivity,
                  double[] firingRate, double gradientNorm, double zeroGradientUnits, double updateRatio,
                  double stagnantUnits, double learningRate, double[] biases) {
        this.units = units;
        this.positionsPerUnit = positionsPerUnit;
        this.deadUnits = deadUnits;
        this.dormantUnits = dormantUnits;
        this.saturatedUnits = saturatedUnits;
        this.activationMean = activationMean;
        this.activationStddev = activationStddev;
        this.zeroRatio = zeroRatio;
        this.unitActivity = unitActivity;
        this.firingRate = firingRate;
        this.gradientNorm = gradientNorm;
        this.zeroGradientUnits = zeroGradientUnits;
        this.updateRatio = updateRatio;
        this.stagnantUnits = stagnantUnits;
        this.learningRate = learningRate;
        this.biases = biases;
    }

    public int units() {
        return units;
    }

    /** Sampled positions (batch × space × time, summed over sampled iterations) behind each unit's figures. */
    public long positionsPerUnit() {
        return positionsPerUnit;
    }

    public int deadUnits() {
        return deadUnits.length;
    }

    public double deadRatio() {
        return units == 0 ? 0 : (double) deadUnits.length / units;
    }

    /** Units with dormancy score ≤ {@code DORMANT_TAUS[tauIndex]}. */
    public int dormantUnits(int tauIndex) {
        return dormantUnits[tauIndex].length;
    }

    public int saturatedUnits() {
        return saturatedUnits.length;
    }

    /** Indices of the dead units, ascending. */
    public int[] deadUnitIndices() {
        return deadUnits.clone();
    }

    /** Indices of the units with dormancy score ≤ {@code DORMANT_TAUS[tauIndex]}, ascending. */
    public int[] dormantUnitIndices(int tauIndex) {
        return dormantUnits[tauIndex].clone();
    }

    /** Indices of the saturated units, ascending. */
    public int[] saturatedUnitIndices() {
        return saturatedUnits.clone();
    }

    /** A unit's share of non-zero outputs over the window. */
    public double firingRate(int unit) {
        return firingRate[unit];
    }

    public double activationMean() {
        return activationMean;
    }

    public double activationStddev() {
        return activationStddev;
    }

    public double zeroRatio() {
        return zeroRatio;
    }

    /** Each unit's fraction of active outputs (non-zero; for bounded activations, non-saturated). */
    public double unitActivity(int unit) {
        return unitActivity[unit];
    }

    public double gradientNorm() {
        return gradientNorm;
    }

    public double zeroGradientUnits() {
        return zeroGradientUnits;
    }

    public boolean hasGradients() {
        return !Double.isNaN(gradientNorm);
    }

    /** Share of units that are saturated, 0..1. */
    public double saturatedRatio() {
        return units == 0 ? 0 : (double) saturatedUnits.length / units;
    }

    /** Units that are dead or saturated (or both): units that pass (almost) no gradient. */
    public int lostUnits() {
        int lost = deadUnits.length;
        int d = 0;
        for (int s : saturatedUnits) {
            while (d < deadUnits.length && deadUnits[d] < s) {
                d++;
            }
            if (d >= deadUnits.length || deadUnits[d] != s) {
                lost++;
            }
        }
        return lost;
    }

    /** {@link #lostUnits} over units, 0..1. */
    public double lostRatio() {
        return units == 0 ? 0 : (double) lostUnits() / units;
    }

    /** Mean over the window's sampled optimizer steps of ‖ΔW‖/‖W‖ (weights before the step); NaN when unknown. */
    public double updateRatio() {
        return updateRatio;
    }

    /** Units whose incoming weights did not change at all during the window; NaN when unknown. */
    public double stagnantUnits() {
        return stagnantUnits;
    }

    /** The learning rate of the layer's weight updater at the window's last iteration; NaN when it has none. */
    public double learningRate() {
        return learningRate;
    }

    public boolean hasBiases() {
        return biases != null;
    }

    /** A unit's bias at the end of the window; only when {@link #hasBiases()}. */
    public double bias(int unit) {
        return biases[unit];
    }
}
