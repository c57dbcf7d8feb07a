package io.deadunit.agent.probe;

/**
 * The static entry points that inlined advice calls. They keep call depths and hand the outermost call's tensors to
 * the {@link TensorProbe}; they never throw into the instrumented method. Before {@link #install} they do nothing
 * (beyond depth bookkeeping), which is also what "attached but disabled" costs.
 */
public final class Probes {
    private static final ThreadLocal<ProbeState> STATE = ThreadLocal.withInitial(ProbeState::new);
    private static volatile TensorProbe probe;

    private Probes() {
    }

    public static void install(TensorProbe installed) {
        probe = installed;
    }

    public static Object enterForward() {
        ProbeState state = STATE.get();
        state.forwardDepth++;
        return state;
    }

    public static void exitForward(Object state, Object layer, boolean training, Object output) {
        ProbeState s = (ProbeState) state;
        if (s == null) {
            return;
        }
        // Forwards run inside a backward pass are recomputations, not new evidence.
        if (--s.forwardDepth == 0 && s.backwardDepth == 0 && output != null) {
            TensorProbe p = probe;
            if (p != null) {
                p.onForward(layer, training, output);
            }
        }
    }

    public static Object enterBackward(Object layer, Object epsilon) {
        ProbeState state = STATE.get();
        if (state.backwardDepth++ == 0 && state.forwardDepth == 0) {
            TensorProbe p = probe;
            if (p != null) {
                if (epsilon == null) {
                    // Output layers get no epsilon: their output is computed inside the loss, observed there.
                    state.pendingOutputLayer = layer;
                } else {
                    p.onBackward(layer, epsilon);
                }
            }
        }
        return state;
    }

    public static void exitBackward(Object state) {
        ProbeState s = (ProbeState) state;
        if (s != null && --s.backwardDepth == 0) {
            s.pendingOutputLayer = null;
        }
    }

    /** An activation function returned: if an output layer is waiting for its output, this is it. */
    public static void onActivationFunction(Object result) {
        ProbeState state = STATE.get();
        Object layer = state.pendingOutputLayer;
        if (layer != null && result != null) {
            state.pendingOutputLayer = null;
            TensorProbe p = probe;
            if (p != null) {
                p.onForward(layer, true, result);
            }
        }
    }

    public static void onModelInit(Object model) {
        TensorProbe p = probe;
        if (p != null) {
            p.onModelInit(model);
        }
    }

    public static void onIterationDone(Object model) {
        TensorProbe p = probe;
        if (p != null) {
            p.onIterationDone(model);
        }
    }
}
