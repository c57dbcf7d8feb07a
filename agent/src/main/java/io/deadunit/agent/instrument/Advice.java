package io.deadunit.agent.instrument;

import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * What a hooked method calls, on entry and on exit: static methods of {@code io.deadunit.agent.probe.Probes} with
 * JDK types only, so that the woven code links against nothing of the agent's but the bridge. {@link AdvisedMethod}
 * puts these calls in place; this class only says which call, with which arguments.
 */
enum Advice {
    /** {@code activate(boolean training, LayerWorkspaceMgr)}: hands the output to the probes. */
    FORWARD(true, Exit.ALWAYS, 0),
    /**
     * {@code activate(INDArray, boolean training, LayerWorkspaceMgr)} and {@code rnnActivateUsingStoredState(INDArray,
     * boolean training, boolean, LayerWorkspaceMgr)}: the training flag is the second argument.
     */
    FORWARD_WITH_INPUT(true, Exit.ALWAYS, 1),
    /** {@code rnnTimeStep(INDArray, LayerWorkspaceMgr)}: a stateful inference step. */
    INFERENCE_STEP(true, Exit.ALWAYS, -1),
    /**
     * {@code backpropGradient(INDArray epsilon, LayerWorkspaceMgr)} and {@code tbpttBackpropGradient(INDArray
     * epsilon, int, LayerWorkspaceMgr)}: epsilon (dL/d output) is read on entry, before the layer may reuse its memory.
     */
    BACKWARD(true, Exit.ALWAYS, -1),
    /**
     * {@code IActivation.getActivation(INDArray, boolean)}: during an output layer's backward pass the loss function
     * computes the layer's output here; DL4J never calls the output layer's {@code activate} during fit.
     */
    ACTIVATION_FUNCTION(false, Exit.RETURNED, -1),
    /** {@code MultiLayerNetwork/ComputationGraph.init(INDArray, boolean)}: the model and its layers now exist. */
    MODEL_INIT(false, Exit.RETURNED, -1),
    /** {@code static BaseOptimizer.incrementIterationCount(Model, int)}: one training iteration of a model is done. */
    ITERATION_DONE(false, Exit.RETURNED, 0),
    /**
     * {@code BaseOptimizer.gradientAndScore(LayerWorkspaceMgr)}: a training iteration of the optimizer's model starts
     * (its forward and backward passes follow); the model is the optimizer's field {@code model}.
     */
    ITERATION_START(false, Exit.NONE, -1);

    /** When the exit call runs. */
    enum Exit {
        NONE,
        /** On a normal return only. */
        RETURNED,
        /** On a normal return and when the method throws (the exception is rethrown unchanged). */
        ALWAYS
    }

    static final String PROBES = "io/deadunit/agent/probe/Probes";
    static final String OPTIMIZER_MODEL_FIELD = "model";
    private static final String OBJECT = "Ljava/lang/Object;";

    /** The entry call returns a state object that the exit call takes back. */
    final boolean enterState;
    final Exit exit;
    /** The argument the exit call takes (copied on entry, so the method cannot change it), or -1. */
    final int keptArgument;

    Advice(boolean enterState, Exit exit, int keptArgument) {
        this.enterState = enterState;
        this.exit = exit;
        this.keptArgument = keptArgument;
    }

    static Advice of(Hook hook) {
        switch (hook) {
            case ACTIVATE:
                return FORWARD;
            case ACTIVATE_INPUT:
            case RNN_ACTIVATE_USING_STORED_STATE:
                return FORWARD_WITH_INPUT;
            case RNN_TIME_STEP:
                return INFERENCE_STEP;
            case BACKPROP_GRADIENT:
            case TBPTT_BACKPROP_GRADIENT:
                return BACKWARD;
            case GET_ACTIVATION:
                return ACTIVATION_FUNCTION;
            case MODEL_INIT:
                return MODEL_INIT;
            case INCREMENT_ITERATION_COUNT:
                return ITERATION_DONE;
            case GRADIENT_AND_SCORE:
                return ITERATION_START;
            default:
                throw new IllegalArgumentException(hook.name());
        }
    }

    boolean hasEnter() {
        return enterState || this == ITERATION_START;
    }

    /** The exit call hands the returned value over, so the method must return an object. */
    boolean needsReturnedObject() {
        return this == FORWARD || this == FORWARD_WITH_INPUT || this == INFERENCE_STEP || this == ACTIVATION_FUNCTION;
    }

    /** Whether the method's declared shape fits this advice (a kept argument of the expected kind, a return). */
    boolean fits(String descriptor, String modelFieldDescriptor) {
        Type[] arguments = Type.getArgumentTypes(descriptor);
        int sort = Type.getReturnType(descriptor).getSort();
        if (needsReturnedObject() && sort != Type.OBJECT && sort != Type.ARRAY) {
            return false;
        }
        if (this == ITERATION_START && (modelFieldDescriptor == null || !modelFieldDescriptor.startsWith("L"))) {
            return false;
        }
        if (this == BACKWARD && (arguments.length == 0 || arguments[0].getSort() != Type.OBJECT)) {
            return false;
        }
        if (keptArgument < 0) {
            return true;
        }
        int kept = arguments.length > keptArgument ? arguments[keptArgument].getSort() : Type.VOID;
        return this == ITERATION_DONE ? kept == Type.OBJECT : kept == Type.BOOLEAN;
    }

    /**
     * The entry call; for advice with state, leaves the state on the stack. {@code firstArgumentSlot} is the slot of
     * the method's first argument (1 for instance methods).
     */
    void enter(MethodVisitor mv, String owner, String modelFieldDescriptor) {
        switch (this) {
            case BACKWARD:
                mv.visitVarInsn(Opcodes.ALOAD, 0);
                mv.visitVarInsn(Opcodes.ALOAD, 1);
                call(mv, "enterBackward", "(" + OBJECT + OBJECT + ")" + OBJECT);
                break;
            case ITERATION_START:
                mv.visitVarInsn(Opcodes.ALOAD, 0);
                mv.visitFieldInsn(Opcodes.GETFIELD, owner, OPTIMIZER_MODEL_FIELD, modelFieldDescriptor);
                call(mv, "onIterationStart", "(" + OBJECT + ")V");
                break;
            default:
                call(mv, "enterForward", "()" + OBJECT);
        }
    }

    /**
     * The exit call. {@code returned} loads the returned value (null after a throw), {@code state} the state,
     * {@code kept} the kept argument.
     */
    void exit(MethodVisitor mv, int stateSlot, int keptSlot, Runnable returned) {
        switch (this) {
            case FORWARD:
            case FORWARD_WITH_INPUT:
            case INFERENCE_STEP:
                mv.visitVarInsn(Opcodes.ALOAD, stateSlot);
                mv.visitVarInsn(Opcodes.ALOAD, 0);
                if (this == INFERENCE_STEP) {
                    mv.visitInsn(Opcodes.ICONST_0);
                } else {
                    mv.visitVarInsn(Opcodes.ILOAD, keptSlot);
                }
                returned.run();
                call(mv, "exitForward", "(" + OBJECT + OBJECT + "Z" + OBJECT + ")V");
                break;
            case BACKWARD:
                mv.visitVarInsn(Opcodes.ALOAD, stateSlot);
                call(mv, "exitBackward", "(" + OBJECT + ")V");
                break;
            case ACTIVATION_FUNCTION:
                returned.run();
                call(mv, "onActivationFunction", "(" + OBJECT + ")V");
                break;
            case MODEL_INIT:
                mv.visitVarInsn(Opcodes.ALOAD, 0);
                call(mv, "onModelInit", "(" + OBJECT + ")V");
                break;
            case ITERATION_DONE:
                mv.visitVarInsn(Opcodes.ALOAD, keptSlot);
                call(mv, "onIterationDone", "(" + OBJECT + ")V");
                break;
            default:
                throw new IllegalStateException(name() + " has no exit");
        }
    }

    private static void call(MethodVisitor mv, String method, String descriptor) {
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, PROBES, method, descriptor, false);
    }
}
