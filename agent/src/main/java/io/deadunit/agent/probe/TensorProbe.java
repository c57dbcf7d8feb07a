package io.deadunit.agent.probe;

/**
 * What the {@link Probes} bridge hands to the agent (through method handles: the advice and the bridge link against
 * JDK types only): DL4J objects typed as {@code Object}, so that the agent's dispatcher ({@code Dl4jProbes}) links
 * against no DL4J type either; the DL4J adapter of each class loader implements it too. Implementations must not
 * throw.
 */
public interface TensorProbe {
    void onForward(Object layer, boolean training, Object output);

    void onBackward(Object layer, Object epsilon);

    void onModelInit(Object model);

    void onIterationDone(Object model);

    /** The optimizer starts computing a training iteration's gradient: the model's forward passes follow. */
    void onIterationStart(Object model);
}
