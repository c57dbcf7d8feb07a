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
    private final int deadUnits;
    private final int[] dormantUnits;
    private final int saturatedUnits;
    private final double activationMean;
    private final double activationStddev;
    private final double zeroRatio;
    private final double[] unitActivity;
    private final double gradientNorm;
    private final double zeroGradientUnits;

    LayerSnapshot(int units, long positionsPerUnit, int deadUnits, int[] dormantUnits, int saturatedUnits,
                  double activationMean, double activationStddev, double zeroRatio, double[] unitActivity,
                  double gradientNorm, double zeroGradientUnits) {
        this.units = units;
        this.positionsPerUnit = positionsPerUnit;
        this.deadUnits = deadUnits;
        this.dormantUnits = dormantUnits;
        this.saturatedUnits = saturatedUnits;
        this.activationMean = activationMean;
        this.activationStddev = activationStddev;
        this.zeroRatio = zeroRatio;
        this.unitActivity = unitActivity;
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
        return deadUnits;
    }

    public double deadRatio() {
        return units == 0 ? 0 : (double) deadUnits / units;
    }

    /** Units with dormancy score ≤ {@code DORMANT_TAUS[tauIndex]}. */
    public int dormantUnits(int tauIndex) {
        return dormantUnits[tauIndex];
    }

    public int saturatedUnits() {
        return saturatedUnits;
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
