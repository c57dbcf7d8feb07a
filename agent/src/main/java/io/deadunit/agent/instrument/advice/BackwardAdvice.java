package io.deadunit.agent.instrument.advice;

import io.deadunit.agent.probe.Probes;
import net.bytebuddy.asm.Advice;

/**
 * {@code backpropGradient(INDArray epsilon, LayerWorkspaceMgr)} and {@code tbpttBackpropGradient(INDArray epsilon,
 * int, LayerWorkspaceMgr)}: epsilon (dL/d output) is read on entry, before the layer may reuse its memory.
 */
public final class BackwardAdvice {
    private BackwardAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object enter(@Advice.This Object layer, @Advice.Argument(0) Object epsilon) {
        return Probes.enterBackward(layer, epsilon);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Enter Object state) {
        Probes.exitBackward(state);
    }
}
