package io.deadunit.examples;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * MLP with bounded activations, on synthetic data (20 features in [0,1], 3 classes):
 * <pre>
 *   sig      16, sigmoid
 *   tanh     12, tanh
 *   hsig     10, hard sigmoid
 *   softsign  8, softsign
 *   output    3, softmax
 * </pre>
 * {@code --saturatedUnits K} (0..8) gives the first K units of each hidden layer a bias of +1000 (even units) or
 * -1000 (odd units): |pre-activation| is about 1000 on every input, so those units sit at a bound on every
 * position (and the hard-sigmoid ones at -1000 output exactly 0: they are dead too). Incoming weights are Xavier
 * and inputs bounded, so |W x| stays far below 1000. Saturated sigmoid/tanh/hard-sigmoid units get exactly zero
 * gradient, so they stay saturated whatever the updater. Also {@code --updater}, {@code --batch} (64).
 */
public final class SaturatedTrainer {

    static final double SATURATING_BIAS = 1000;

    public static void main(String[] args) {
        TrainerOptions o = TrainerOptions.parse("SaturatedTrainer", args, 100, -1,
                "saturatedUnits", "K (0..8): units pushed to saturation in each hidden layer (default 0)",
                "updater", Fixtures.UPDATER_HELP,
                "batch", "minibatch size (default 64)");
        int k = o.countOrAll("saturatedUnits", 0, 8);
        int batch = o.intValue("batch", 64);
        o.seedNd4j();

        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(o.seed)
                .updater(Fixtures.updater(o, 1e-3))
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new DenseLayer.Builder().name("sig").nIn(20).nOut(16).activation(Activation.SIGMOID).build())
                .layer(new DenseLayer.Builder().name("tanh").nIn(16).nOut(12).activation(Activation.TANH).build())
                .layer(new DenseLayer.Builder().name("hsig").nIn(12).nOut(10)
                        .activation(Activation.HARDSIGMOID).build())
                .layer(new DenseLayer.Builder().name("softsign").nIn(10).nOut(8)
                        .activation(Activation.SOFTSIGN).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).name("output").nIn(8).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        for (String name : new String[] {"sig", "tanh", "hsig", "softsign"}) {
            for (int j = 0; j < k; j++) {
                Fixtures.setParam(net.getLayer(name), "b", j, 1, j % 2 == 0 ? SATURATING_BIAS : -SATURATING_BIAS);
            }
        }
        o.attachGroundTruth(net, false);

        INDArray[][] data = Fixtures.denseBatches(o.seed, 16, batch, 20, 3, 0.3);
        System.out.println("SaturatedTrainer: " + k + " units pushed to saturation in each hidden layer");
        o.train(net, i -> net.fit(data[i % data.length][0], data[i % data.length][1]));
    }
}
