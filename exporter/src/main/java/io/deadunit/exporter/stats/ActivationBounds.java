package io.deadunit.exporter.stats;

import java.util.Locale;

/**
 * The range of a bounded activation function, and the thresholds within which an output counts as saturated:
 * within 1% of the range from either bound. Unbounded activations get infinite thresholds, which no finite output
 * reaches; the scanners also skip the saturation test for them altogether ({@link #isBounded()}).
 */
public final class ActivationBounds {
    /** Fraction of the activation's range that counts as "at the bound". */
    public static final double SATURATION_MARGIN = 0.01;

    public static final ActivationBounds UNBOUNDED =
            new ActivationBounds(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);

    private final double lower;
    private final double upper;

    private ActivationBounds(double lower, double upper) {
        this.lower = lower;
        this.upper = upper;
    }

    public static ActivationBounds of(double lower, double upper) {
        return new ActivationBounds(lower, upper);
    }

    /** Bounds of a DL4J activation, by the name its {@code toString()} gives (case-insensitive). */
    public static ActivationBounds forActivation(String activation) {
        if (activation == null) {
            return UNBOUNDED;
        }
        switch (activation.toLowerCase(Locale.ROOT)) {
            case "sigmoid":
            case "hardsigmoid":
                return of(0, 1);
            case "tanh":
            case "hardtanh":
            case "rationaltanh":
            case "softsign":
                return of(-1, 1);
            default:
                return UNBOUNDED;
        }
    }

    public boolean isBounded() {
        return !Double.isInfinite(lower);
    }

    /** Outputs at or below this value are saturated at the lower bound. */
    public double lowThreshold() {
        return isBounded() ? lower + SATURATION_MARGIN * (upper - lower) : Double.NEGATIVE_INFINITY;
    }

    /** Outputs at or above this value are saturated at the upper bound. */
    public double highThreshold() {
        return isBounded() ? upper - SATURATION_MARGIN * (upper - lower) : Double.POSITIVE_INFINITY;
    }
}
