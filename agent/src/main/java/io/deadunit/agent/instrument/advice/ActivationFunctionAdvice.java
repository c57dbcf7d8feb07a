package io.deadunit.agent.instrument.advice;

import io.deadunit.agent.probe.Probes;
import net.bytebuddy.asm.Advice;

/**
 * {@code IActivation.getActivation(INDArray, boolean)}: during an output layer's backward pass the loss function
 * computes the layer's output here; DL4J never calls the output layer's {@code activate} during fit.
 */
public final class ActivationFunctionAdvice {
    private ActivationFunctionAdvice() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.Return Object result) {
        Probes.onActivationFunction(result);
    }
}
