package io.deadunit.exporter.config;

/** The value of the {@code phases} key: whether training and/or inference are observed. */
public final class Phases {
    private final boolean training;
    private final boolean inference;

    /** Neither phase is representable so that {@link ConfigKey#PHASES} can refuse it with its own message. */
    public Phases(boolean training, boolean inference) {
        this.training = training;
        this.inference = inference;
    }

    public boolean training() {
        return training;
    }

    public boolean inference() {
        return inference;
    }

    boolean any() {
        return training || inference;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Phases && ((Phases) o).training == training && ((Phases) o).inference == inference;
    }

    @Override
    public int hashCode() {
        return (training ? 2 : 0) + (inference ? 1 : 0);
    }

    /** Spelled as the {@code phases} key accepts it: {@code train}, {@code inference} or {@code train+inference}. */
    @Override
    public String toString() {
        return training && inference ? "train+inference" : training ? "train" : inference ? "inference" : "none";
    }
}
