package io.deadunit.agent.instrument.advice;

import io.deadunit.agent.probe.Probes;
import net.bytebuddy.asm.Advice;

/** {@code rnnTimeStep(INDArray input, LayerWorkspaceMgr)}: a stateful inference step. */
public final class InferenceStepAdvice {
    private InferenceStepAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object enter() {
        return Probes.enterForward();
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Enter Object state,
                            @Advice.This Object layer,
                            @Advice.Return Object output) {
        Probes.exitForward(state, layer, false, output);
    }
}
