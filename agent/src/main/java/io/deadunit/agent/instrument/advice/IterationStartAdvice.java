package io.deadunit.agent.instrument.advice;

import io.deadunit.agent.probe.Probes;
import net.bytebuddy.asm.Advice;

/**
 * {@code BaseOptimizer.gradientAndScore(LayerWorkspaceMgr)}: a training iteration of the optimizer's model starts
 * (its forward and backward passes follow).
 */
public final class IterationStartAdvice {
    private IterationStartAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.FieldValue("model") Object model) {
        Probes.onIterationStart(model);
    }
}
