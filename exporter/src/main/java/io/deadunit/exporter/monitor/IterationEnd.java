package io.deadunit.exporter.monitor;

/**
 * What a {@link ModelMonitor} asks of the framework adapter at the end of a training iteration, in this order:
 * the iteration's weight evidence ({@link #recordWeights}), then (only when the iteration closed the window) the
 * revival of dead units ({@link #revive}) and the start of the next window ({@link #beginWindow} or, while
 * monitoring is paused, {@link #forgetWindowStart}). The monitor decides once whether the iteration is sampled and
 * whether it closes the window, so a change of {@code window} or {@code sampleEvery} over JMX in the middle cannot
 * make the two sides disagree. Called on the training thread; implementations must not throw.
 */
public interface IterationEnd {
    /** For models whose weights are not read (inference only, tests). */
    IterationEnd NONE = new IterationEnd() {
    };

    /**
     * The iteration's weight evidence, into the layers' open windows: the update ratio when {@code updateRatio} (a
     * sampled iteration among the few of its window that read it: {@link ModelMonitor#UPDATE_RATIO_STEPS}); the
     * stagnant units, learning rate and biases when it {@code closes} the window. Not called while monitoring is
     * paused (no tensor is read then, weights included).
     */
    default void recordWeights(boolean updateRatio, boolean closes) {
    }

    /** The windows just closed, the {@code windowsClosed}-th time: revive dead units when that is asked for. */
    default void revive(long windowsClosed) {
    }

    /** A new window starts (after any revival): copy the weights its stagnant units will be compared with. */
    default void beginWindow() {
    }

    /** A new window starts while monitoring is paused: drop the old copy, its stagnant units are unknown. */
    default void forgetWindowStart() {
    }
}
