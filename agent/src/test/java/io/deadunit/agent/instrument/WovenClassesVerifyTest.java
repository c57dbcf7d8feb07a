package io.deadunit.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import io.deadunit.exporter.health.AgentHealth;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.instrument.ClassFileTransformer;
import org.deeplearning4j.nn.api.Layer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.IActivation;

/**
 * Every class of DL4J's {@code deeplearning4j-nn} jar and every ND4J activation function, woven by the agent's
 * transformer and then linked, which makes the JVM verify it against the stack map frames the weaver wrote
 * ({@link WovenClasses}): a wrong frame would be a {@code VerifyError}, and a DL4J class that fails to load. The
 * forked trainers only load the classes their models use; this covers all of them. The compat modules run the same
 * on the older releases ({@code Dl4jReleaseWeavingIT}).
 */
class WovenClassesVerifyTest {

    @Test
    void everyWovenDl4jClassVerifies() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        AgentHealth health = new AgentHealth(new PrintStream(log, true));
        ClassFileTransformer weaver = Dl4jInstrumentation.transformer(null, health, bridge -> {
        }, new PrintStream(log, true));
        WovenClasses.Result result = WovenClasses.weaveAndLink(weaver, WovenClassesVerifyTest.class.getClassLoader(),
                WovenClasses.jarOf(Layer.class), WovenClasses.jarOf(IActivation.class));
        assertThat(result.verifyErrors).as("woven classes that fail verification").isEmpty();
        assertThat(result.woven).as("woven classes").hasSizeGreaterThan(80)
                .contains("org.deeplearning4j.nn.layers.BaseLayer", "org.deeplearning4j.nn.layers.AbstractLayer",
                        "org.deeplearning4j.nn.layers.recurrent.LSTM",
                        "org.deeplearning4j.nn.multilayer.MultiLayerNetwork",
                        "org.deeplearning4j.nn.graph.ComputationGraph",
                        "org.deeplearning4j.optimize.solvers.BaseOptimizer",
                        "org.nd4j.linalg.activations.impl.ActivationReLU")
                .doesNotContain("org.deeplearning4j.nn.api.Layer", "org.deeplearning4j.nn.conf.layers.DenseLayer");
        assertThat(result.linked).as("woven classes linked").isGreaterThan(80);
        assertThat(health.errors()).as(log.toString()).isZero();
    }
}
