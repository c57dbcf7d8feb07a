package io.deadunit.agent.instrument.advice;

import io.deadunit.agent.probe.Probes;
import net.bytebuddy.asm.Advice;

/** {@code MultiLayerNetwork/ComputationGraph.init(INDArray, boolean)}: the model and its layers now exist. */
public final class ModelInitAdvice {
    private ModelInitAdvice() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.This Object model) {
        Probes.onModelInit(model);
    }
}
