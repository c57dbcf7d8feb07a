package io.deadunit.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;

import io.deadunit.agent.instrument.WovenClasses;
import org.deeplearning4j.nn.api.Layer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.IActivation;

/**
 * The agent's weaver on this module's DL4J release, every class: what {@code WovenClassesVerifyTest} does for the
 * release the agent is built against (same code, {@link WovenClasses}), with the transformer taken from the agent
 * jar itself. Every class of this release's {@code deeplearning4j-nn} and every ND4J activation function is woven
 * and each woven class linked, so the JVM verifies the stack map frames the weaver wrote for this release's
 * bytecode. The matrix's trainers only load the classes their models use; this covers the rest.
 */
class Dl4jReleaseWeavingIT {

    @Test
    void everyWovenClassOfThisReleaseVerifies() throws Exception {
        String release = Dl4jReleaseMatrixIT.release();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(log, true);
        // The agent jar's classes in a loader of their own over this release (the test's class path), as the
        // shaded jar is what users run; the woven classes are defined below it and so see the agent.
        try (URLClassLoader agent = new URLClassLoader(new URL[] {ItEnv.agentJar().toUri().toURL()},
                Dl4jReleaseWeavingIT.class.getClassLoader())) {
            Class<?> healthType = Class.forName("io.deadunit.exporter.health.AgentHealth", true, agent);
            Object health = healthType.getConstructor(PrintStream.class).newInstance(out);
            Class<?> wiring = Class.forName("io.deadunit.agent.instrument.BridgeInjector$Wiring", true, agent);
            Object noWiring = Proxy.newProxyInstance(agent, new Class<?>[] {wiring}, (proxy, method, args) -> {
                throw new AssertionError("the bridge is not needed: the woven classes' loader sees the agent");
            });
            ClassFileTransformer weaver = (ClassFileTransformer) Class
                    .forName("io.deadunit.agent.instrument.Dl4jInstrumentation", true, agent)
                    .getMethod("transformer", Instrumentation.class, healthType, wiring, PrintStream.class)
                    .invoke(null, null, health, noWiring, out);

            WovenClasses.Result result = WovenClasses.weaveAndLink(weaver, agent,
                    WovenClasses.jarOf(Layer.class), WovenClasses.jarOf(IActivation.class));

            assertThat(WovenClasses.jarOf(Layer.class).getFileName().toString())
                    .isEqualTo("deeplearning4j-nn-" + release + ".jar");
            assertThat(result.verifyErrors).as("woven classes of DL4J " + release + " that fail verification")
                    .isEmpty();
            System.out.println("DL4J " + release + ": " + result.woven.size() + " classes woven, " + result.linked
                    + " linked");
            assertThat(result.woven).as("woven classes of DL4J " + release).hasSizeGreaterThan(80)
                    .contains("org.deeplearning4j.nn.layers.BaseLayer", "org.deeplearning4j.nn.layers.AbstractLayer",
                            "org.deeplearning4j.nn.layers.recurrent.LSTM",
                            "org.deeplearning4j.nn.layers.convolution.ConvolutionLayer",
                            "org.deeplearning4j.nn.multilayer.MultiLayerNetwork",
                            "org.deeplearning4j.nn.graph.ComputationGraph",
                            "org.deeplearning4j.optimize.solvers.BaseOptimizer",
                            "org.nd4j.linalg.activations.impl.ActivationReLU")
                    .doesNotContain("org.deeplearning4j.nn.api.Layer",
                            "org.deeplearning4j.nn.conf.layers.DenseLayer");
            assertThat(result.linked).as("woven classes of DL4J " + release + " linked")
                    .isEqualTo(result.woven.size());
            assertThat((long) healthType.getMethod("errors").invoke(health)).as(log.toString()).isZero();
            assertThat(log.toString().lines().filter(l -> l.startsWith(Dl4jReleaseMatrixIT.HOOK_LINE)))
                    .as("the agent's hook line on DL4J " + release)
                    .containsExactlyElementsOf(Dl4jReleaseMatrixIT.HOOK_LINES.get(release));
        }
    }
}
