package io.deadunit.agent.probe;

/**
 * What the advice hands over: DL4J objects typed as {@code Object}, so that advice code inlined into DL4J classes
 * links against nothing but JDK types and this interface. Implementations must not throw.
 */
public interface TensorProbe {
    void onForward(Object layer, boolean training, Object output);

    void onBackward(Object layer, Object epsilon);

    void onModelInit(Object model);

    void onIterationDone(Object model);
}
