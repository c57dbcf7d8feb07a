package io.deadunit.agent.instrument;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.instrument.ClassFileTransformer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class GatedTransformerTest {
    private static final byte[] ORIGINAL = {1};
    private static final byte[] ADVISED = {2};
    private static final ClassFileTransformer BYTE_BUDDY = new ClassFileTransformer() {
        @Override
        public byte[] transform(Module module, ClassLoader loader, String name, Class<?> redefined,
                                java.security.ProtectionDomain domain, byte[] classFile) {
            return ADVISED;
        }
    };

    private final GatedTransformer gate = new GatedTransformer(new PrintStream(new ByteArrayOutputStream()));

    @Test
    void beforeItOpensOtherClassesLoadUnchangedAndAreKeptForRetransformation() throws Exception {
        assertThat(load("com/acme/MyLayer")).isNull();
        assertThat(load("com/acme/MyActivation")).isNull();
        assertThat(load("org/nd4j/linalg/factory/Nd4j")).as("ignored package").isNull();
        assertThat(load("java/util/ArrayList")).isNull();

        assertThat(gate.open(BYTE_BUDDY)).containsExactly("com/acme/MyLayer", "com/acme/MyActivation");
        assertThat(load("com/acme/Other")).isEqualTo(ADVISED);
    }

    @Test
    void classesOfIgnoredPackagesNeverReachByteBuddy() {
        gate.open(BYTE_BUDDY);
        gate.release();
        assertThat(load("org/nd4j/linalg/factory/Nd4j")).isNull();
        assertThat(load("java/util/ArrayList")).isNull();
        assertThat(load("org/nd4j/linalg/activations/impl/ActivationReLU")).isEqualTo(ADVISED);
        assertThat(load("org/deeplearning4j/nn/layers/BaseLayer")).isEqualTo(ADVISED);
    }

    @Test
    void aClassThatStartsAModelWaitsUntilTheInstrumentationIsReady() throws Exception {
        CompletableFuture<byte[]> network = CompletableFuture.supplyAsync(
                () -> load("org/deeplearning4j/nn/multilayer/MultiLayerNetwork"));
        Thread.sleep(200);
        assertThat(network).isNotDone();

        gate.open(BYTE_BUDDY);
        Thread.sleep(100);
        assertThat(network).as("still waiting for the early classes to be retransformed").isNotDone();
        gate.release();
        assertThat(network.get(5, TimeUnit.SECONDS)).isEqualTo(ADVISED);
    }

    @Test
    void whenPreparingFailsWaitingClassesLoadUnchanged() throws Exception {
        CompletableFuture<byte[]> layer = CompletableFuture.supplyAsync(
                () -> load("org/deeplearning4j/nn/layers/feedforward/dense/DenseLayer"));
        Thread.sleep(100);
        gate.release();
        assertThat(layer.get(5, TimeUnit.SECONDS)).isNull();
        assertThat(load("com/acme/Late")).isNull();
        assertThat(gate.open(BYTE_BUDDY)).as("nothing kept after release").isEmpty();
    }

    @Test
    void aStartThatNeverEndsDelaysTrainingOnceNotPerModelClass() {
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        GatedTransformer hanging = new GatedTransformer(new PrintStream(lines, true), 300);
        long start = System.nanoTime();
        assertThat(load(hanging, "org/deeplearning4j/nn/multilayer/MultiLayerNetwork")).isNull();
        long firstMillis = (System.nanoTime() - start) / 1_000_000;
        start = System.nanoTime();
        for (String name : new String[] {"org/deeplearning4j/nn/layers/BaseLayer",
                "org/deeplearning4j/nn/layers/feedforward/dense/DenseLayer",
                "org/nd4j/linalg/activations/impl/ActivationReLU"}) {
            assertThat(load(hanging, name)).isNull();
        }
        long laterMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(firstMillis).as("the first model class waits the bound").isGreaterThanOrEqualTo(300);
        assertThat(laterMillis).as("later model classes no longer wait").isLessThan(300);
        assertThat(lines.toString().lines()).hasSize(1).allMatch(l -> l.startsWith("deadunit: the instrumentation"));
    }

    @Test
    void theInstallingThreadNeverWaitsForItself() {
        gate.installedBy(Thread.currentThread());
        assertThat(load("org/deeplearning4j/nn/graph/ComputationGraph")).isNull();
    }

    @Test
    void onlyModelClassesWait() {
        assertThat(GatedTransformer.startsModel("org/deeplearning4j/nn/layers/BaseLayer")).isTrue();
        assertThat(GatedTransformer.startsModel("org/deeplearning4j/optimize/solvers/BaseOptimizer")).isTrue();
        assertThat(GatedTransformer.startsModel("org/deeplearning4j/nn/conf/layers/DenseLayer"))
                .as("configuration classes load long before a model").isFalse();
        assertThat(GatedTransformer.startsModel("org/nd4j/linalg/activations/impl/ActivationReLU"))
                .as("activation functions load with a network's configuration, just before its layers").isTrue();
        assertThat(GatedTransformer.startsModel("org/nd4j/linalg/factory/Nd4j")).isFalse();
    }

    private byte[] load(String name) {
        return load(gate, name);
    }

    private static byte[] load(GatedTransformer transformer, String name) {
        try {
            return transformer.transform(null, null, name, null, null, ORIGINAL);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
