package io.deadunit.exporter.monitor;

/** The likely causes {@link Diagnosis} can name for a layer that lost many units; {@link #label} is the meter tag. */
public enum Cause {
    /** Dead units' biases are strongly negative compared with the live units' biases. */
    NEGATIVE_BIAS("negative_bias"),
    /** Optimizer steps are far larger than the healthy ‖ΔW‖/‖W‖ ≈ 1e-3. */
    HIGH_LEARNING_RATE("high_learning_rate"),
    /** The layer feeding this one is itself mostly dead, so this one receives (almost) no input. */
    UPSTREAM_DEAD("upstream_dead"),
    /** A bounded activation sits at its bounds: most of the lost units are saturated. */
    SATURATING_ACTIVATION("saturating_activation"),
    /** The layer crossed the threshold but no rule matched. */
    UNEXPLAINED("unexplained");

    private final String label;

    Cause(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
