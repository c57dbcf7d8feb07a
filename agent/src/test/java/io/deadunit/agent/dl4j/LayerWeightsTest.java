package io.deadunit.agent.dl4j;

import io.deadunit.exporter.monitor.LayerDescriptor;
import io.deadunit.exporter.monitor.LayerMonitor;
import io.deadunit.exporter.monitor.ModelMonitor;
import io.deadunit.exporter.monitor.MonitorListener;
import io.deadunit.exporter.monitor.MonitorRegistry;
import io.deadunit.exporter.monitor.Sampling;
import io.deadunit.exporter.stats.LayerSnapshot;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The weight evidence read in place from real DL4J layers, against ND4J computations on copies. */
class LayerWeightsTest {
    private static final MonitorListener NONE = new MonitorListener() { };

    private static LayerMonitor monitor(Object layer) {
        MonitorRegistry registry = new MonitorRegistry(Optional.empty(), new Sampling(1, 10), NONE);
        ModelMonitor model = registry.registerModel(new Object(), "multilayernetwork");
        return registry.registerLayer(layer, model, l -> new LayerDescriptor("l", 0, "DenseLayer", "relu", false));
    }

    @Test
    void updateRatioIsTheStepJustAppliedOverTheWeightsBeforeIt() {
        for (MultiLayerNetwork net : new MultiLayerNetwork[] {WeightNets.mlp(new Adam(0.01), 0),
                WeightNets.cnn(new Sgd(0.1), 0)}) {
            boolean cnn = net.getLayer(0).getParam("W").rank() == 4;
            INDArray[] batch = cnn ? WeightNets.batch(1, 16, 1, 8, 8) : WeightNets.batch(1, 16, WeightNets.IN);
            net.fit(batch[0], batch[1]);
            for (Layer layer : net.getLayers()) {
                INDArray w = layer.getParam("W");
                if (w == null) {
                    assertThat(LayerWeights.updateRatio(layer, LayerWeights.updateViews(layer))).isNaN();
                    continue;
                }
                INDArray before = w.dup();
                net.fit(batch[0], batch[1]);
                INDArray after = w.dup();
                double expected = after.sub(before).norm2Number().doubleValue() / before.norm2Number().doubleValue();
                assertThat(LayerWeights.updateRatio(layer, LayerWeights.updateViews(layer))).as("layer %d", layer.getIndex())
                        .isCloseTo(expected, within(1e-4 * expected + 1e-9));
                assertThat(expected).isPositive();
            }
        }
    }

    @Test
    void largeWeightTensorsAreSampledWithinOnePercent() {
        org.deeplearning4j.nn.conf.MultiLayerConfiguration conf = new org.deeplearning4j.nn.conf.NeuralNetConfiguration
                .Builder().seed(8).updater(new Adam(0.01)).list()
                .layer(new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().nIn(300).nOut(200)
                        .activation(org.nd4j.linalg.activations.Activation.RELU).build())
                .layer(new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder().nIn(200).nOut(WeightNets.OUT)
                        .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        INDArray[] batch = WeightNets.batch(6, 32, 300);
        assertThat(net.getLayer(0).getParam("W").length()).isGreaterThan(7 * LayerWeights.MAX_RATIO_ELEMENTS);
        for (int i = 0; i < 3; i++) {
            INDArray before = net.getLayer(0).getParam("W").dup();
            net.fit(batch[0], batch[1]);
            INDArray after = net.getLayer(0).getParam("W");
            double expected = after.sub(before).norm2Number().doubleValue() / before.norm2Number().doubleValue();
            double sampled = LayerWeights.updateRatio(net.getLayer(0), LayerWeights.updateViews(net.getLayer(0)));
            assertThat(sampled).isCloseTo(expected, within(0.01 * expected));
        }
    }

    @Test
    void stagnantUnitsAreTheDeadUnitsWhoseIncomingWeightsGetNoGradient() {
        MultiLayerNetwork net = WeightNets.mlp(new Adam(0.01), 3);
        INDArray[] batch = WeightNets.batch(2, 32, WeightNets.IN);
        Layer hidden1 = net.getLayer(1);
        Layer hidden0 = net.getLayer(0);
        LayerMonitor m1 = monitor(hidden1);
        LayerMonitor m0 = monitor(hidden0);
        assertThat(LayerWeights.stagnantUnits(hidden1, m1)).as("no copy yet").isEqualTo(-1);
        LayerWeights.beginWindow(hidden1, m1);
        LayerWeights.beginWindow(hidden0, m0);
        assertThat(LayerWeights.stagnantUnits(hidden1, m1)).as("nothing trained yet").isEqualTo(WeightNets.H1);
        INDArray w1 = hidden1.getParam("W").dup();
        INDArray w0 = hidden0.getParam("W").dup();
        for (int i = 0; i < 5; i++) {
            net.fit(batch[0], batch[1]);
        }
        assertThat(LayerWeights.stagnantUnits(hidden1, m1)).isEqualTo(unchangedColumns(w1, hidden1.getParam("W")))
                .isGreaterThanOrEqualTo(3);
        assertThat(LayerWeights.stagnantUnits(hidden0, m0)).isEqualTo(unchangedColumns(w0, hidden0.getParam("W")));
        assertThat(unchangedColumns(w0, hidden0.getParam("W"))).isLessThan(WeightNets.H0);
    }

    private static int unchangedColumns(INDArray before, INDArray after) {
        int unchanged = 0;
        for (int j = 0; j < before.columns(); j++) {
            if (before.getColumn(j).equals(after.getColumn(j))) {
                unchanged++;
            }
        }
        return unchanged;
    }

    @Test
    void stagnantChannelsOfAConvolution() {
        MultiLayerNetwork net = WeightNets.cnn(new Adam(0.01), 1);
        INDArray[] batch = WeightNets.batch(3, 16, 1, 8, 8);
        Layer conv = net.getLayer(0);
        assertThat(LayerWeights.unitAxis(conv)).isZero();
        assertThat(LayerWeights.unitAxis(net.getLayer(1))).as("subsampling").isEqualTo(-1);
        LayerMonitor m = monitor(conv);
        LayerWeights.beginWindow(conv, m);
        for (int i = 0; i < 3; i++) {
            net.fit(batch[0], batch[1]);
        }
        assertThat(LayerWeights.stagnantUnits(conv, m)).isEqualTo(1);
        assertThat(LayerWeights.biases(conv, 4)).hasSize(4).startsWith(-1e4);
        assertThat(LayerWeights.biases(net.getLayer(1), 4)).isNull();
    }

    @Test
    void learningRateAndBiases() {
        MultiLayerNetwork net = WeightNets.mlp(new Adam(0.003), 2);
        INDArray[] batch = WeightNets.batch(4, 8, WeightNets.IN);
        net.fit(batch[0], batch[1]);
        assertThat(LayerWeights.learningRate(net.getLayer(0), net)).isCloseTo(0.003, within(1e-12));
        assertThat(LayerWeights.learningRate(WeightNets.cnn(new Sgd(0.2), 0).getLayer(1), net)).as("pooling")
                .isNaN();
        double[] biases = LayerWeights.biases(net.getLayer(1), WeightNets.H1);
        assertThat(biases).hasSize(WeightNets.H1);
        assertThat(biases[0]).isEqualTo(-1e4);
        assertThat(biases[1]).isEqualTo(-1e4);
        assertThat(Math.abs(biases[2])).isLessThan(1);
        assertThat(LayerWeights.biases(net.getLayer(1), WeightNets.H1 + 1)).as("unit count mismatch").isNull();
    }
}
