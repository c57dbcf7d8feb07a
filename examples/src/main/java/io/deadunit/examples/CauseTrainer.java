package io.deadunit.examples;

import java.util.Locale;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * One trainer per likely cause of lost units, each built so that the cause is the only explanation. MLP
 * 100-48-32-24-10 ("hidden0", "hidden1", "hidden2", softmax "output"), Adam, synthetic data (features in [0,1]).
 *
 * <pre>
 *   --cause negative_bias       ReLU; the first 20 of the 32 units of hidden1 start with bias -10 (their weighted
 *                               input stays within a few units), Adam 1e-3: they never fire again
 *   --cause high_learning_rate  ReLU, Adam with a learning rate far too high (--lr, default 0.3): the first steps
 *                               throw many hidden units into the negative half-plane. How many depends on the
 *                               floating-point rounding of the CPU's kernels, so the first 32 of the 48 units of
 *                               hidden0 are dead by construction whatever the CPU: their incoming weights are made
 *                               non-positive (-|w|, inputs are in [0,1]) and their biases stay 0 (so they show no
 *                               negative bias); they get no gradient and never move
 *   --cause upstream_dead       ReLU; every unit of hidden0 starts with bias -1e4, so hidden1 and hidden2 receive
 *                               only zeros: with zero bias their output is exactly 0, although nothing is wrong
 *                               with their own parameters
 *   --cause saturating          tanh hidden layers fed with unnormalised inputs (features × 1000, as raw sensor
 *                               readings would be): pre-activations of hundreds push most units of hidden0 to ±1
 *                               on every input, where tanh passes no gradient
 * </pre>
 * Also {@code --lr} (Adam learning rate; default 1e-3, 0.3 for high_learning_rate) and {@code --batch} (64).
 */
public final class CauseTrainer {

    static final int[] SIZES = {100, 48, 32, 24, 10};
    static final int NEGATIVE_BIAS_UNITS = 20;
    static final double NEGATIVE_BIAS = -10;
    static final int HIGH_LR_DEAD_UNITS = 32;
    static final double INPUT_SCALE = 1000;

    public static void main(String[] args) {
        TrainerOptions o = TrainerOptions.parse("CauseTrainer", args, 300, -1,
                "cause", "negative_bias|high_learning_rate|upstream_dead|saturating",
                "lr", "Adam learning rate (default 1e-3; 0.3 for high_learning_rate)",
                "batch", "minibatch size (default 64)");
        String cause = o.string("cause", "").toLowerCase(Locale.ROOT);
        boolean saturating = cause.equals("saturating") || cause.equals("saturating_activation");
        if (!saturating && !cause.equals("negative_bias") && !cause.equals("high_learning_rate")
                && !cause.equals("upstream_dead")) {
            throw o.usage("--cause must be negative_bias, high_learning_rate, upstream_dead or saturating");
        }
        double lr = o.doubleValue("lr", cause.equals("high_learning_rate") ? 0.3 : 1e-3);
        int batch = o.intValue("batch", 64);
        Activation hidden = saturating ? Activation.TANH : Activation.RELU;
        o.seedNd4j();

        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(o.seed)
                .updater(new Adam(lr))
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new DenseLayer.Builder().name("hidden0").nIn(SIZES[0]).nOut(SIZES[1]).activation(hidden).build())
                .layer(new DenseLayer.Builder().name("hidden1").nIn(SIZES[1]).nOut(SIZES[2]).activation(hidden).build())
                .layer(new DenseLayer.Builder().name("hidden2").nIn(SIZES[2]).nOut(SIZES[3]).activation(hidden).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).name("output").nIn(SIZES[3]).nOut(SIZES[4])
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        if (cause.equals("negative_bias")) {
            Fixtures.setParam(net.getLayer("hidden1"), "b", 0, NEGATIVE_BIAS_UNITS, NEGATIVE_BIAS);
        } else if (cause.equals("upstream_dead")) {
            Fixtures.setParam(net.getLayer("hidden0"), "b", 0, SIZES[1], Fixtures.DEAD_BIAS);
        } else if (cause.equals("high_learning_rate")) {
            INDArray w = net.getLayer("hidden0").getParam("W");
            for (int j = 0; j < HIGH_LR_DEAD_UNITS; j++) {
                for (int i = 0; i < SIZES[0]; i++) {
                    w.putScalar(i, j, -Math.abs(w.getDouble(i, j)));
                }
            }
            Fixtures.setParam(net.getLayer("hidden0"), "b", 0, HIGH_LR_DEAD_UNITS, 0);
        }
        o.attachGroundTruth(net, false);

        INDArray[][] data = Fixtures.denseBatches(o.seed, 16, batch, SIZES[0], SIZES[4], 0.3);
        if (saturating) {
            for (INDArray[] b : data) {
                b[0].muli(INPUT_SCALE);
            }
        }
        System.out.println("CauseTrainer: " + cause + ", Adam " + lr + ", 100-48-32-24-10 " + hidden);
        o.train(net, i -> net.fit(data[i % data.length][0], data[i % data.length][1]));
    }
}
