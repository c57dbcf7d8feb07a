package io.deadunit.agent.instrument;

import org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.solvers.StochasticGradientDescent;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.factory.Nd4j;

import static org.assertj.core.api.Assertions.assertThat;

class AdviceTargetsTest {
    @Test
    void layersActivationsNetworksAndOptimizersNeedAdvice() {
        assertThat(AdviceTargets.needsAdvice(DenseLayer.class)).isTrue();
        assertThat(AdviceTargets.needsAdvice(ActivationReLU.class)).isTrue();
        assertThat(AdviceTargets.needsAdvice(MultiLayerNetwork.class)).isTrue();
        assertThat(AdviceTargets.needsAdvice(StochasticGradientDescent.class)).isTrue();
    }

    @Test
    void everythingElseDoesNot() {
        assertThat(AdviceTargets.needsAdvice(org.deeplearning4j.nn.api.Layer.class)).as("an interface").isFalse();
        assertThat(AdviceTargets.needsAdvice(org.deeplearning4j.nn.conf.layers.DenseLayer.class)).isFalse();
        assertThat(AdviceTargets.needsAdvice(Nd4j.class)).isFalse();
        assertThat(AdviceTargets.needsAdvice(String.class)).isFalse();
        assertThat(AdviceTargets.needsAdvice(int[].class)).isFalse();
    }

    @Test
    void theIgnoredPackagesAreDecidedByName() {
        assertThat(IgnoredPackages.ignores("org/nd4j/linalg/factory/Nd4j")).isTrue();
        assertThat(IgnoredPackages.ignores("org/nd4j/linalg/activations/impl/ActivationReLU")).isFalse();
        assertThat(IgnoredPackages.ignores("org/deeplearning4j/nn/layers/BaseLayer")).isFalse();
        assertThat(IgnoredPackages.ignores("com/acme/Train")).isFalse();
        assertThat(IgnoredPackages.ignores("io/deadunit/agent/DeadunitAgent")).isTrue();
    }
}
