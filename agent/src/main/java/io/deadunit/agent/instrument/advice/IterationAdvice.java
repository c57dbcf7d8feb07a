package io.deadunit.agent.instrument.advice;

import io.deadunit.agent.probe.Probes;
import net.bytebuddy.asm.Advice;

/** {@code static BaseOptimizer.incrementIterationCount(Model, int)}: one training iteration of a model is done. */
public final class IterationAdvice {
    private IterationAdvice() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.Argument(0) Object model) {
        Probes.onIterationDone(model);
    }
}
