package io.deadunit.agent.probe;

import java.lang.invoke.MethodHandle;

/**
 * The static entry points that the woven code calls. They keep call depths and hand the outermost call's tensors to
 * the agent; they never throw into the instrumented method. Before {@link #install} they do nothing beyond depth
 * bookkeeping, which is also all that "attached but disabled" costs.
 *
 * <p>This class and {@link ProbeState} are the bridge between the application's class loaders and the agent:
 * they use JDK types only, and the agent plugs in through method handles, so a copy of them can be placed where an
 * isolated class loader finds it (see {@code BridgeInjector}) and be wired to the same agent.
 */
public final class Probes {
    private static final ThreadLocal<ProbeState> STATE = ThreadLocal.withInitial(ProbeState::new);
    private static volatile MethodHandle forward;
    private static volatile MethodHandle backward;
    private static volatile MethodHandle modelInit;
    private static volatile MethodHandle iterationDone;
    private static volatile MethodHandle iterationStart;

    private Probes() {
    }

    /**
     * @param onForward       {@code (Object layer, boolean training, Object output) void}
     * @param onBackward      {@code (Object layer, Object epsilon) void}
     * @param onModelInit     {@code (Object model) void}
     * @param onIterationDone {@code (Object model) void}
     * @param onIterationStart {@code (Object model) void}
     */
    public static void install(MethodHandle onForward, MethodHandle onBackward, MethodHandle onModelInit,
                               MethodHandle onIterationDone, MethodHandle onIterationStart) {
        forward = onForward;
        backward = onBackward;
        modelInit = onModelInit;
        iterationDone = onIterationDone;
        iterationStart = onIterationStart;
    }

    // Every entry point is total: the woven code also wraps each call in a catch-all, but an exception caught
    // here costs the training thread no unwinding through DL4J's frames.

    public static Object enterForward() {
        try {
            ProbeState state = STATE.get();
            state.forwardDepth++;
            return state;
        } catch (Throwable ignored) {
            return null;
        }
    }

    public static void exitForward(Object state, Object layer, boolean training, Object output) {
        if (!(state instanceof ProbeState)) {
            return;
        }
        ProbeState s = (ProbeState) state;
        // Forwards run inside a backward pass are recomputations, not new evidence.
        if (--s.forwardDepth == 0 && s.backwardDepth == 0 && output != null) {
            callForward(layer, training, output);
        }
    }

    public static Object enterBackward(Object layer, Object epsilon) {
        try {
            ProbeState state = STATE.get();
            MethodHandle handle = backward;
            if (state.backwardDepth++ == 0 && state.forwardDepth == 0 && handle != null) {
                if (epsilon == null) {
                    // Output layers get no epsilon: their output is computed inside the loss, observed there.
                    state.pendingOutputLayer = layer;
                } else {
                    try {
                        handle.invokeExact(layer, epsilon);
                    } catch (Throwable ignored) {
                        // The agent counts its own failures; nothing may reach the training code.
                    }
                }
            }
            return state;
        } catch (Throwable ignored) {
            return null;
        }
    }

    public static void exitBackward(Object state) {
        if (state instanceof ProbeState) {
            ProbeState s = (ProbeState) state;
            if (--s.backwardDepth == 0) {
                s.pendingOutputLayer = null;
            }
        }
    }

    /** An activation function returned: if an output layer is waiting for its output, this is it. */
    public static void onActivationFunction(Object result) {
        try {
            ProbeState state = STATE.get();
            Object layer = state.pendingOutputLayer;
            if (layer != null && result != null) {
                state.pendingOutputLayer = null;
                callForward(layer, true, result);
            }
        } catch (Throwable ignored) {
            // Nothing may reach the training code.
        }
    }

    public static void onModelInit(Object model) {
        callModel(modelInit, model);
    }

    public static void onIterationDone(Object model) {
        callModel(iterationDone, model);
    }

    public static void onIterationStart(Object model) {
        callModel(iterationStart, model);
    }

    private static void callForward(Object layer, boolean training, Object output) {
        MethodHandle handle = forward;
        if (handle != null) {
            try {
                handle.invokeExact(layer, training, output);
            } catch (Throwable ignored) {
                // The agent counts its own failures; nothing may reach the training code.
            }
        }
    }

    private static void callModel(MethodHandle handle, Object model) {
        if (handle != null) {
            try {
                handle.invokeExact(model);
            } catch (Throwable ignored) {
                // The agent counts its own failures; nothing may reach the training code.
            }
        }
    }
}
