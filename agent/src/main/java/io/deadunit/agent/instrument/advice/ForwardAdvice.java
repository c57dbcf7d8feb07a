package io.deadunit.agent.instrument.advice;

import io.deadunit.agent.probe.Probes;
import net.bytebuddy.asm.Advice;

/** {@code INDArray activate(boolean training, LayerWorkspaceMgr)}: hands the output to the probes. */
public final class ForwardAdvice {
    private ForwardAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object enter() {
        return Probes.enterForward();
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Enter Object state,
                            @Advice.This Object layer,
                            @Advice.Argument(0) boolean training,
                            @Advice.Return Object output) {
        Probes.exitForward(state, layer, training, output);
    }
}
