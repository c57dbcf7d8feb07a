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

    LayerSnapshot(int units, long positionsPerUnit, int[] deadUnits, int[][] dormantUnits, int[] saturatedUnits,
                  double activationMean, double activationStddev, double zeroRatio, double[] unitActivity,
                  double[] firingRate, double gradientNorm, double zeroGradientUnits) {
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
}
