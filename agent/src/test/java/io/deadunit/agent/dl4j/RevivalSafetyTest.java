package io.deadunit.agent.dl4j;

import io.deadunit.exporter.monitor.LayerMonitor;
import io.deadunit.exporter.monitor.ModelMonitor;
import io.deadunit.exporter.monitor.MonitorListener;
import io.deadunit.exporter.monitor.MonitorRegistry;
import io.deadunit.exporter.monitor.Sampling;
import io.deadunit.exporter.stats.LayerSnapshot;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.NoOpUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;
import org.nd4j.linalg.schedule.ISchedule;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Revival driven as the agent drives it (observed activations close a window, then {@link Revival#reviveDeadUnits}),
 * on small real networks: which layers it may touch, each closed window used once, one shared instance for several
 * training threads, and the stderr line for an optimizer it does not know. Deterministic: the dead units are forced
 * (bias -1e4) and the checks are on which parameters changed, not on what training achieves.
 */
class RevivalSafetyTest {
    private static final int DEAD = 3;
    private static final MonitorListener NONE = new MonitorListener() { };

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Revival revival = new Revival(new PrintStream(err, true, StandardCharsets.UTF_8));

    /** A registry with a window of one iteration, watching {@code net}'s layers. */
    private static MonitorRegistry watch(MonitorRegistry registry, MultiLayerNetwork net) {
        ModelMonitor model = registry.registerModel(net, "multilayernetwork");
        for (Layer layer : net.getLayers()) {
            registry.registerLayer(layer, model, LayerDescriptors::describe);
        }
        model.layersRegistered(net.getLayers());
        return registry;
    }

    private static MonitorRegistry registry() {
        return new MonitorRegistry(Optional.empty(), new Sampling(1, 1), NONE);
    }

    /** One training iteration whose activations the monitors see; it closes the window. */
    private static void iteration(MonitorRegistry registry, MultiLayerNetwork net, INDArray[] batch, boolean fit) {
        List<INDArray> activations = net.feedForward(batch[0], false);
        Layer[] layers = net.getLayers();
        for (int i = 0; i < layers.length; i++) {
            LayerMonitor monitor = registry.layer(layers[i]);
            TensorReader.read(activations.get(i + 1), (data, offset, shape, stride) ->
                    monitor.onActivations(data, offset, shape, stride, null));
        }
        if (fit) {
            net.fit(batch[0], batch[1]);
        }
        registry.model(net).onIterationDone(0);
    }

    private static long revived(MonitorRegistry registry, MultiLayerNetwork net, int layer) {
        return registry.layer(net.getLayer(layer)).revivedTotal();
    }

    @Test
    void forcedDeadUnitsAreRevivedOncePerWindowNeverInTheOutputLayer() {
        MultiLayerNetwork net = WeightNets.mlp(new Adam(0.01), DEAD);
        MonitorRegistry registry = watch(registry(), net);
        INDArray[] batch = WeightNets.batch(4, 32, WeightNets.IN);
        iteration(registry, net, batch, true);
        LayerSnapshot h1 = registry.layer(net.getLayer(1)).snapshot();
        assertThat(h1.deadUnitIndices()).as("the forced ones, and any that died by chance").startsWith(0, 1, 2);
        int h0Dead = registry.layer(net.getLayer(0)).snapshot().deadUnits();

        revival.reviveDeadUnits(net, registry);
        assertThat(revived(registry, net, 1)).isEqualTo(h1.deadUnits());
        assertThat(revived(registry, net, 0)).isEqualTo(h0Dead);
        for (int j : h1.deadUnitIndices()) {
            assertThat(net.getLayer(1).getParam("b").getDouble(j)).as("bias of revived unit %d", j).isZero();
        }
        revival.reviveDeadUnits(net, registry);
        assertThat(revived(registry, net, 1)).as("the same closed window is used once").isEqualTo(h1.deadUnits());
        assertThat(revived(registry, net, 2)).as("output layer").isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void layersMeantToStayFixedAreNeverTouched() {
        List<MultiLayerNetwork> fixed = new ArrayList<>();
        fixed.add(WeightNets.mlp(new NoOp(), DEAD));
        fixed.add(WeightNets.mlp(new Sgd(0.0), DEAD));
        fixed.add(mlpWithOutputUpdater(new Sgd(0.0)));     // h1 feeds a layer meant to stay fixed
        MultiLayerNetwork frozen = new TransferLearning.Builder(WeightNets.mlp(new Adam(0.01), DEAD))
                .setFeatureExtractor(1).build();
        fixed.add(frozen);
        for (MultiLayerNetwork net : fixed) {
            MonitorRegistry registry = watch(registry(), net);
            INDArray[] batch = WeightNets.batch(5, 32, WeightNets.IN);
            iteration(registry, net, batch, false);
            assertThat(registry.layer(net.getLayer(1)).snapshot().deadUnits()).isGreaterThanOrEqualTo(DEAD);
            INDArray before = net.params().dup();
            revival.reviveDeadUnits(net, registry);
            for (int l = 0; l < 3; l++) {
                assertThat(revived(registry, net, l)).as("layer %d of %s", l, net.getLayer(1).getClass()).isZero();
            }
            assertThat(net.params()).as("parameters untouched").isEqualTo(before);
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    private static MultiLayerNetwork mlpWithOutputUpdater(IUpdater outputUpdater) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).updater(new Adam(0.01))
                .weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().nIn(WeightNets.IN).nOut(WeightNets.H0).activation(Activation.RELU)
                        .build())
                .layer(new DenseLayer.Builder().nIn(WeightNets.H0).nOut(WeightNets.H1).activation(Activation.RELU)
                        .build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).nIn(WeightNets.H1).nOut(WeightNets.OUT)
                        .activation(Activation.SOFTMAX).updater(outputUpdater).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        for (int j = 0; j < DEAD; j++) {
            net.getLayer(1).getParam("b").putScalar(j, -1e4);
        }
        return net;
    }

    @Test
    void anOptimizerRevivalDoesNotKnowGetsOneLineAndNoReset() {
        MultiLayerNetwork net = mlpWithOutputUpdater(new Adam(0.01));
        MultiLayerNetwork odd = new TransferLearning.Builder(net).fineTuneConfiguration(
                new org.deeplearning4j.nn.transferlearning.FineTuneConfiguration.Builder().updater(new OddUpdater())
                        .build()).build();
        MonitorRegistry registry = watch(registry(), odd);
        INDArray[] batch = WeightNets.batch(6, 32, WeightNets.IN);
        iteration(registry, odd, batch, false);
        INDArray before = odd.params().dup();
        revival.reviveDeadUnits(odd, registry);
        iteration(registry, odd, batch, false);
        revival.reviveDeadUnits(odd, registry);
        assertThat(revived(registry, odd, 1)).isZero();
        assertThat(odd.params()).isEqualTo(before);
        assertThat(err.toString(StandardCharsets.UTF_8).lines()).containsExactly("deadunit: revive=true: optimizer "
                + OddUpdater.class.getName() + " is unknown to revival (the layout of its state is not known, and"
                + " resetting the wrong part would corrupt it): layers trained with it are not revived.");
    }

    @Test
    void oneRevivalServesConcurrentTrainingThreads() throws Exception {
        // as in the agent: one registry and one Revival for every training thread
        MonitorRegistry shared = registry();
        List<MultiLayerNetwork> nets = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            MultiLayerNetwork net = WeightNets.mlp(new Adam(0.01), DEAD);
            watch(shared, net);
            nets.add(net);
        }
        ExecutorService pool = Executors.newFixedThreadPool(nets.size());
        try {
            List<Future<?>> done = new ArrayList<>();
            for (MultiLayerNetwork net : nets) {
                done.add(pool.submit(() -> {
                    INDArray[] batch = WeightNets.batch(7, 32, WeightNets.IN);
                    for (int i = 0; i < 20; i++) {
                        iteration(shared, net, batch, true);
                        revival.reviveDeadUnits(net, shared);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        for (MultiLayerNetwork net : nets) {
            assertThat(revived(shared, net, 1)).as("the forced dead units, revived at the first window")
                    .isGreaterThanOrEqualTo(DEAD);
            assertThat(revived(shared, net, 2)).isZero();
        }
    }

    /** An optimizer that revival does not know (it behaves as NoOp). */
    static final class OddUpdater implements IUpdater {
        @Override
        public long stateSize(long numParams) {
            return 0;
        }

        @Override
        public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
            return new NoOpUpdater(new NoOp());
        }

        @Override
        public GradientUpdater instantiate(Map<String, INDArray> updaterState, boolean initializeStateArrays) {
            return new NoOpUpdater(new NoOp());
        }

        @Override
        public IUpdater clone() {
            return new OddUpdater();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof OddUpdater;
        }

        @Override
        public int hashCode() {
            return 1;
        }

        @Override
        public double getLearningRate(int iteration, int epoch) {
            return Double.NaN;
        }

        @Override
        public boolean hasLearningRate() {
            return false;
        }

        @Override
        public void setLrAndSchedule(double lr, ISchedule lrSchedule) {
        }
    }
}
