package io.deadunit.agent.instrument.advice;

import io.deadunit.agent.probe.Probes;
import net.bytebuddy.asm.Advice;

/**
 * {@code activate(INDArray input, boolean training, LayerWorkspaceMgr)} and
 * {@code rnnActivateUsingStoredState(INDArray input, boolean training, boolean storeLast, LayerWorkspaceMgr)}:
 * the training flag is the second argument.
 */
public final class ForwardWithInputAdvice {
    private ForwardWithInputAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object enter() {
        return Probes.enterForward();
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(@Advice.Enter Object state,
                            @Advice.This Object layer,
                            @Advice.Argument(1) boolean training,
                            @Advice.Return Object output) {
        Probes.exitForward(state, layer, training, output);
    }
}
