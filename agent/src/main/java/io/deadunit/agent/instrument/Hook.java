package io.deadunit.agent.instrument;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Every DL4J method the agent hooks, described once: the type that declares it, its name and arguments (matched on
 * a method's name and descriptor), the text for messages, and, for the hooks a feature depends on, the feature that
 * is off without it. The weaver ({@link HookWeaver}) hooks implementations of these methods; {@link HookCheck}
 * checks the declarations are there in the DL4J an application loads.
 */
enum Hook {
    ACTIVATE(Types.LAYER, "activate(boolean, LayerWorkspaceMgr)", "activation statistics",
            "activate", Static.NO, "Z", Types.WORKSPACE_MGR),
    ACTIVATE_INPUT(Types.LAYER, "activate(INDArray, boolean, LayerWorkspaceMgr)", null,
            "activate", Static.NO, Types.INDARRAY, "Z", Types.WORKSPACE_MGR),
    RNN_ACTIVATE_USING_STORED_STATE(Types.RECURRENT_LAYER, "rnnActivateUsingStoredState(INDArray, boolean, boolean, "
            + "LayerWorkspaceMgr)", null, "rnnActivateUsingStoredState", Static.NO, Types.ANY, "Z", Types.ANY, Types.ANY),
    RNN_TIME_STEP(Types.RECURRENT_LAYER, "rnnTimeStep(INDArray, LayerWorkspaceMgr)", null,
            "rnnTimeStep", Static.NO, Types.INDARRAY, Types.ANY),
    BACKPROP_GRADIENT(Types.LAYER, "backpropGradient(INDArray, LayerWorkspaceMgr)", "gradient statistics",
            "backpropGradient", Static.NO, Types.INDARRAY, Types.ANY),
    TBPTT_BACKPROP_GRADIENT(Types.RECURRENT_LAYER, "tbpttBackpropGradient(INDArray, int, LayerWorkspaceMgr)", null,
            "tbpttBackpropGradient", Static.NO, Types.INDARRAY, Types.ANY, Types.ANY),
    GET_ACTIVATION(Types.ACTIVATION, "getActivation(INDArray, boolean)", "output-layer statistics during fit",
            "getActivation", Static.NO, Types.ANY, "Z"),
    /** Declared by MultiLayerNetwork and ComputationGraph alike; the check reads MultiLayerNetwork's. */
    MODEL_INIT(Types.MULTI_LAYER_NETWORK, "init(INDArray, boolean)", "early registration of MultiLayerNetworks "
            + "(they are registered at their first iteration instead)",
            "init", Static.NO, Types.INDARRAY, "Z"),
    INCREMENT_ITERATION_COUNT(Types.OPTIMIZER, "incrementIterationCount(Model, int)",
            "iteration counting, hence windows and all statistics",
            "incrementIterationCount", Static.YES, Types.ANY, Types.ANY),
    /** Its entry starts a training iteration: a model counts as sampling from its first one on. */
    GRADIENT_AND_SCORE(Types.OPTIMIZER, "gradientAndScore(LayerWorkspaceMgr)", "sampling of a model's first "
            + "training iteration (sampling starts at its sampleEvery-th)",
            "gradientAndScore", Static.NO, Types.ANY);

    /** The DL4J types named by the hooks, as internal names (the agent never loads them itself). */
    static final class Types {
        static final String LAYER = "org/deeplearning4j/nn/api/Layer";
        static final String RECURRENT_LAYER = "org/deeplearning4j/nn/api/layers/RecurrentLayer";
        static final String MULTI_LAYER_NETWORK = "org/deeplearning4j/nn/multilayer/MultiLayerNetwork";
        static final String COMPUTATION_GRAPH = "org/deeplearning4j/nn/graph/ComputationGraph";
        static final String ACTIVATION = "org/nd4j/linalg/activations/IActivation";
        static final String OPTIMIZER = "org/deeplearning4j/optimize/solvers/BaseOptimizer";
        static final String INDARRAY = "Lorg/nd4j/linalg/api/ndarray/INDArray;";
        static final String WORKSPACE_MGR = "Lorg/deeplearning4j/nn/workspace/LayerWorkspaceMgr;";
        /** An argument of any type. */
        static final String ANY = null;

        private Types() {
        }
    }

    private enum Static { YES, NO }

    private final String declaringType;
    private final String signature;
    private final String feature;
    private final String name;
    private final boolean isStatic;
    /** Descriptors of the arguments; null where any type matches. */
    private final String[] arguments;

    Hook(String declaringType, String signature, String feature, String name, Static isStatic, String... arguments) {
        this.declaringType = declaringType;
        this.signature = signature;
        this.feature = feature;
        this.name = name;
        this.isStatic = isStatic == Static.YES;
        this.arguments = arguments;
    }

    /** The type whose declaration {@link HookCheck} looks for (internal name). */
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

    /** The method, declared (abstract) or implemented: its name, static or not, and its arguments' types. */
    boolean matches(int access, String methodName, String descriptor) {
        if (!name.equals(methodName) || ((access & Opcodes.ACC_STATIC) != 0) != isStatic) {
            return false;
        }
        Type[] types = Type.getArgumentTypes(descriptor);
        if (types.length != arguments.length) {
            return false;
        }
        for (int i = 0; i < types.length; i++) {
            if (arguments[i] != null && !arguments[i].equals(types[i].getDescriptor())) {
                return false;
            }
        }
        return true;
    }
}
