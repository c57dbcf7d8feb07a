package io.deadunit.agent.instrument;

import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * Every DL4J method the agent hooks, described once: the type that declares it, its signature (as a matcher and as
 * text for messages), and, for the hooks a feature depends on, the feature that is off without it. The pipeline
 * ({@link Dl4jInstrumentation}) gives advice to implementations of these methods; {@link HookCheck} checks the
 * declarations are there in the DL4J an application loads.
 */
enum Hook {
    ACTIVATE(Types.LAYER, "activate(boolean, LayerWorkspaceMgr)", "activation statistics",
            method("activate", 2).and(takesArgument(0, boolean.class)).and(takesArgument(1, named(Types.WORKSPACE_MGR)))),
    ACTIVATE_INPUT(Types.LAYER, "activate(INDArray, boolean, LayerWorkspaceMgr)", null,
            method("activate", 3).and(takesArgument(0, named(Types.INDARRAY))).and(takesArgument(1, boolean.class))
                    .and(takesArgument(2, named(Types.WORKSPACE_MGR)))),
    RNN_ACTIVATE_USING_STORED_STATE(Types.RECURRENT_LAYER, "rnnActivateUsingStoredState(INDArray, boolean, boolean, "
            + "LayerWorkspaceMgr)", null, method("rnnActivateUsingStoredState", 4).and(takesArgument(1, boolean.class))),
    RNN_TIME_STEP(Types.RECURRENT_LAYER, "rnnTimeStep(INDArray, LayerWorkspaceMgr)", null,
            method("rnnTimeStep", 2).and(takesArgument(0, named(Types.INDARRAY)))),
    BACKPROP_GRADIENT(Types.LAYER, "backpropGradient(INDArray, LayerWorkspaceMgr)", "gradient statistics",
            method("backpropGradient", 2).and(takesArgument(0, named(Types.INDARRAY)))),
    TBPTT_BACKPROP_GRADIENT(Types.RECURRENT_LAYER, "tbpttBackpropGradient(INDArray, int, LayerWorkspaceMgr)", null,
            method("tbpttBackpropGradient", 3).and(takesArgument(0, named(Types.INDARRAY)))),
    GET_ACTIVATION(Types.ACTIVATION, "getActivation(INDArray, boolean)", "output-layer statistics during fit",
            method("getActivation", 2).and(takesArgument(1, boolean.class))),
    /** Declared by MultiLayerNetwork and ComputationGraph alike; the check reads MultiLayerNetwork's. */
    MODEL_INIT(Types.MULTI_LAYER_NETWORK, "init(INDArray, boolean)", "early registration of MultiLayerNetworks "
            + "(they are registered at their first iteration instead)",
            method("init", 2).and(takesArgument(0, named(Types.INDARRAY))).and(takesArgument(1, boolean.class))),
    INCREMENT_ITERATION_COUNT(Types.OPTIMIZER, "incrementIterationCount(Model, int)",
            "iteration counting, hence windows and all statistics",
            method("incrementIterationCount", 2).and(isStatic())),
    /** Its entry starts a training iteration: a model counts as sampling from its first one on. */
    GRADIENT_AND_SCORE(Types.OPTIMIZER, "gradientAndScore(LayerWorkspaceMgr)", "sampling of a model's first "
            + "training iteration (sampling starts at its sampleEvery-th)",
            method("gradientAndScore", 1).and(not(isStatic())));

    /** The DL4J types named by the hooks (by name: the agent never loads them itself). */
    static final class Types {
        static final String LAYER = "org.deeplearning4j.nn.api.Layer";
        static final String RECURRENT_LAYER = "org.deeplearning4j.nn.api.layers.RecurrentLayer";
        static final String MULTI_LAYER_NETWORK = "org.deeplearning4j.nn.multilayer.MultiLayerNetwork";
        static final String COMPUTATION_GRAPH = "org.deeplearning4j.nn.graph.ComputationGraph";
        static final String ACTIVATION = "org.nd4j.linalg.activations.IActivation";
        static final String OPTIMIZER = "org.deeplearning4j.optimize.solvers.BaseOptimizer";
        static final String INDARRAY = "org.nd4j.linalg.api.ndarray.INDArray";
        static final String WORKSPACE_MGR = "org.deeplearning4j.nn.workspace.LayerWorkspaceMgr";

        private Types() {
        }
    }

    private final String declaringType;
    private final String signature;
    private final String feature;
    private final ElementMatcher.Junction<MethodDescription> method;

    Hook(String declaringType, String signature, String feature, ElementMatcher.Junction<MethodDescription> method) {
        this.declaringType = declaringType;
        this.signature = signature;
        this.feature = feature;
        this.method = method;
    }

    /** The type whose declaration {@link HookCheck} looks for. */
    String declaringType() {
        return declaringType;
    }

    /** "activate(boolean, LayerWorkspaceMgr)", for messages. */
    String signature() {
        return signature;
    }

    /** What is off without this hook; null for a hook no check requires (an alternative entry point). */
    String feature() {
        return feature;
    }

    /** The method, declared or implemented. */
    ElementMatcher.Junction<MethodDescription> method() {
        return method;
    }

    private static ElementMatcher.Junction<MethodDescription> method(String name, int arguments) {
        return named(name).and(takesArguments(arguments));
    }
}
