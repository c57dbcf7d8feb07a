package io.deadunit.agent.instrument;

import org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.solvers.StochasticGradientDescent;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

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
        assertThat(IgnoredPackages.ignores("org/deeplearning4j/nn/conf/layers/DenseLayer")).isTrue();
        assertThat(IgnoredPackages.ignores("org/deeplearning4j/nn/conference/Talk")).isFalse();
    }

    /**
     * DL4J's configuration package is decided by name, without reading any class hierarchy: none of its classes
     * may be something the agent advises. Checked on every class of the build's deeplearning4j-nn jar, from the
     * loaded classes themselves (not from the agent's own reading of class files).
     */
    @Test
    void noClassOfAnIgnoredDl4jPackageNeedsAdvice() throws IOException, URISyntaxException, ClassNotFoundException {
        Path nn = Path.of(org.deeplearning4j.nn.api.Layer.class.getProtectionDomain().getCodeSource().getLocation()
                .toURI());
        List<String> ignored = new ArrayList<>();
        List<String> targets = new ArrayList<>();
        try (JarFile jar = new JarFile(nn.toFile())) {
            for (JarEntry entry : Collections.list(jar.entries())) {
                String file = entry.getName();
                if (!file.startsWith("org/deeplearning4j/") || !file.endsWith(".class")) {
                    continue;
                }
                String internal = file.substring(0, file.length() - ".class".length());
                if (!IgnoredPackages.ignores(internal)) {
                    continue;
                }
                ignored.add(internal);
                try {
                    Class<?> type = Class.forName(internal.replace('/', '.'), false, getClass().getClassLoader());
                    if (isTarget(type)) {
                        targets.add(type.getName());
                    }
                } catch (LinkageError e) {
                    // an optional dependency of DL4J absent from this class path
                }
            }
        }
        assertThat(ignored).as("DL4J classes decided by name").hasSizeGreaterThan(250);
        assertThat(targets).as("classes decided by name that need advice").isEmpty();
    }

    /** What the weaver advises, decided by the JVM's own view of the type (interfaces included). */
    private static boolean isTarget(Class<?> type) {
        return org.deeplearning4j.nn.api.Layer.class.isAssignableFrom(type)
                || org.nd4j.linalg.activations.IActivation.class.isAssignableFrom(type)
                || org.deeplearning4j.optimize.solvers.BaseOptimizer.class.isAssignableFrom(type);
    }
}
