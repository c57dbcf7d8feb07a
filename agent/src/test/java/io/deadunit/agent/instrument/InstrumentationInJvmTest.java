package io.deadunit.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import io.deadunit.agent.adapter.Dl4jProbes;
import io.deadunit.agent.probe.Probes;
import io.deadunit.agent.probe.RecordingProbe;
import io.deadunit.exporter.health.AgentHealth;
import io.deadunit.exporter.monitor.LayerMonitor;
import io.deadunit.exporter.monitor.ModelMonitor;
import io.deadunit.exporter.monitor.MonitorListener;
import io.deadunit.exporter.monitor.MonitorRegistry;
import io.deadunit.exporter.monitor.Sampling;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.bytebuddy.agent.ByteBuddyAgent;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * The Byte Buddy pipeline and the DL4J adapter in this JVM, in seconds rather than a forked trainer: Byte Buddy's
 * agent is attached to the test JVM, the pipeline's transformer added and the loaded DL4J classes retransformed;
 * afterwards the transformer is removed and the classes retransformed back ({@code finally}), so no other test sees
 * advice.
 */
class InstrumentationInJvmTest {
    private static final int IN = 6;
    private static final int HIDDEN = 5;
    private static final int OUT = 3;
    private static final int ITERATIONS = 4;

    private static Instrumentation instrumentation;
    private static ClassFileTransformer transformer;
    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
    private static final AgentHealth HEALTH = new AgentHealth(new PrintStream(LOG, true));

    @BeforeAll
    static void instrument() throws Exception {
        instrumentation = ByteBuddyAgent.install();
        transformer = Dl4jInstrumentation.transformer(instrumentation, HEALTH, bridge -> {
        }, new PrintStream(LOG, true));
        instrumentation.addTransformer(transformer, true);
        // DL4J types this test touches, loaded (and so advised) before any model exists, as in a real run.
        Class.forName(MultiLayerNetwork.class.getName());
        retransformTargets();
    }

    @AfterAll
    static void restore() throws Exception {
        RecordingProbe.uninstall();
        if (transformer != null) {
            instrumentation.removeTransformer(transformer);
            retransformTargets();
        }
    }

    @AfterEach
    void uninstallProbe() {
        RecordingProbe.uninstall();
    }

    private static void retransformTargets() throws Exception {
        List<Class<?>> targets = new ArrayList<>();
        for (Class<?> type : instrumentation.getAllLoadedClasses()) {
            if (AdviceTargets.needsAdvice(type) && instrumentation.isModifiableClass(type)) {
                targets.add(type);
            }
        }
        instrumentation.retransformClasses(targets.toArray(new Class<?>[0]));
    }

    /** Dense(relu) - dense(relu) - softmax output; the first hidden layer dead from the start (bias -1e4). */
    private static MultiLayerNetwork network() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(7).updater(new Sgd(0.01))
                .weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().name("h0").nIn(IN).nOut(HIDDEN).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().name("h1").nIn(HIDDEN).nOut(HIDDEN).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).name("out").nIn(HIDDEN).nOut(OUT)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        net.getLayer(0).getParam("b").assign(-1e4);
        return net;
    }

    private static INDArray[] batch() {
        Nd4j.getRandom().setSeed(11);
        INDArray features = Nd4j.rand(8, IN);
        INDArray labels = Nd4j.zeros(8, OUT);
        for (int i = 0; i < 8; i++) {
            labels.putScalar(i, i % OUT, 1);
        }
        return new INDArray[] {features, labels};
    }

    private static String name(Object o) {
        if (o instanceof MultiLayerNetwork) {
            return "net"; // a MultiLayerNetwork is a Layer too
        }
        return o instanceof Layer ? ((Layer) o).conf().getLayer().getLayerName() : o.getClass().getSimpleName();
    }

    @Test
    void everyHookFiresOncePerLayerAndIterationAndTheOutputLayerIsHandedOver() throws Exception {
        RecordingProbe probe = new RecordingProbe(InstrumentationInJvmTest::name);
        probe.install();
        MultiLayerNetwork net = network();
        INDArray[] batch = batch();
        for (int i = 0; i < ITERATIONS; i++) {
            net.fit(batch[0], batch[1]);
        }
        net.output(batch[0]);

        List<String> events = probe.events();
        assertThat(events).as("events").startsWith("init net");
        List<String> iteration = List.of("start net", "forward h0 true", "forward h1 true", "forward out true", "backward h1",
                "backward h0", "iteration net");
        List<String> expected = new ArrayList<>(List.of("init net"));
        for (int i = 0; i < ITERATIONS; i++) {
            expected.addAll(iteration);
        }
        expected.addAll(List.of("forward h0 false", "forward h1 false", "forward out false"));
        assertThat(events).containsExactlyElementsOf(expected);
        assertThat(HEALTH.errors()).as(LOG.toString()).isZero();
    }

    /**
     * A hooked method that throws: the exception reaches the caller unchanged, and the exit call ran (the call depth
     * went back to zero, so the next forward pass is observed again, as the outermost one).
     */
    @Test
    void aThrowingLayerThrowsItsOwnExceptionAndItsExitStillRuns() throws Exception {
        RecordingProbe probe = new RecordingProbe(InstrumentationInJvmTest::name);
        probe.install();
        MultiLayerNetwork net = network();
        Layer h0 = net.getLayer(0);
        h0.clear(); // no input: DL4J refuses the forward pass
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
                () -> h0.activate(true, org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces()));
        assertThat(thrown).as("DL4J's own exception").isNotNull();
        assertThat(thrown.getStackTrace()[0].getClassName()).as("thrown by DL4J, not by the woven code")
                .startsWith("org.deeplearning4j.");
        net.output(batch()[0]);
        assertThat(probe.events()).as("observed after the throw: the depth is back to zero")
                .containsExactly("init net", "forward h0 false", "forward h1 false", "forward out false");
        assertThat(HEALTH.errors()).as(LOG.toString()).isZero();
    }

    @Test
    void theAdapterCountsIterationsClosesWindowsAndFindsTheDeadLayer() throws Exception {
        MonitorRegistry registry = new MonitorRegistry(Optional.empty(), new Sampling(1, 2), new MonitorListener() {
        });
        new Dl4jProbes(registry, HEALTH, true, false, 0).installInto(Probes.class);
        MultiLayerNetwork net = network();
        INDArray[] batch = batch();
        for (int i = 0; i < ITERATIONS; i++) {
            net.fit(batch[0], batch[1]);
        }

        ModelMonitor model = registry.model(net);
        assertThat(model).as("registered; log: " + LOG).isNotNull();
        assertThat(model.name()).isEqualTo("multilayernetwork-0");
        assertThat(model.iterations()).isEqualTo(ITERATIONS);
        assertThat(model.windowsClosed()).isEqualTo(ITERATIONS / 2);
        LayerMonitor h0 = registry.layer(net.getLayer(0));
        LayerMonitor h1 = registry.layer(net.getLayer(1));
        LayerMonitor out = registry.layer(net.getLayer(2));
        assertThat(h0.units()).isEqualTo(HIDDEN);
        assertThat(h0.snapshot().deadUnits()).as("bias -1e4 under ReLU: every unit dead").isEqualTo(HIDDEN);
        assertThat(h1.upstream()).isSameAs(h0);
        assertThat(out.snapshot().units()).isEqualTo(OUT);
        assertThat(out.snapshot().deadUnits()).as("softmax outputs are never exactly 0").isZero();
        // Nothing reaches h1 from the dead h0 (ReLU passes no gradient at 0 either): the steps leave its weights
        // exactly as they were, which the weights read after each step and at the window's end must show.
        assertThat(h1.snapshot().updateRatio()).as("update ratio read after the steps").isZero();
        assertThat(h1.snapshot().stagnantUnits()).as("stagnant units read at the window's end").isEqualTo(HIDDEN);
        assertThat(HEALTH.errors()).as(LOG.toString()).isZero();
    }
}
