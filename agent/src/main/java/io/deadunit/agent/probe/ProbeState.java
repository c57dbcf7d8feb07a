package io.deadunit.agent.probe;

/**
 * Per-thread call depths, so that nested calls (a 3-argument {@code activate} calling the 2-argument one, a
 * wrapper layer calling its inner layer) observe a tensor once, at the outermost call. Handed from enter to exit
 * advice so each call does one thread-local lookup.
 */
public final class ProbeState {
    int forwardDepth;
    int backwardDepth;
    /** An output layer inside its backward pass, waiting for its activation function to compute its output. */
    Object pendingOutputLayer;
}
