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
 * MLP 100-48-32-24-10 with ReLU hidden layers "hidden0", "hidden1", "hidden2" and a softmax layer "output".
 * Inputs lie in [0,1].
 *
 * <p>{@code --deadUnits K} sets the bias of the first K units of "hidden1" to -1e4 after {@code init()}: their
 * pre-activation is about -1e4 on every input, their ReLU output exactly 0, and since they receive zero gradient
 * (ReLU'(z) = 0) they stay dead whatever the updater. {@code --deadUnits all} kills the whole layer: then the
 * gradient reaching "hidden0" (below it) is exactly 0 and "hidden0" never changes.
 *
 * <p>{@code --swapAt N} (with K forced dead units, K &lt;= 16): at the start of minibatch N (0-based) the K dead units
 * come back to life (bias +1) and the next K units of "hidden1" die (bias -1e4): the set of dead units changes
 * between windows.
 *
 * <p>Flags: {@code --deadUnits K|all} (default 0), {@code --swapAt N}, {@code --updater adam|sgd|none},
 * {@code --batch N} (64), {@code --batches N} (16 distinct minibatches, cycled; with 1 and {@code --updater none}
 * every iteration is the same computation, so any sample of iterations has the statistics of all of them),
 * {@code --idleClone true} (clone the network after {@code init()} and keep the copy, never trained, until training
 * ends: what a restored or cloned model does to a process).
 */
public final class DeadLayerTrainer {

    static final int[] SIZES = {100, 48, 32, 24, 10};

    public static void main(String[] args) {
        TrainerOptions o = TrainerOptions.parse("DeadLayerTrainer", args, 100, -1,
                "deadUnits", "K|all: units of hidden1 forced dead (default 0)",
                "swapAt", "N: at minibatch N revive the K dead units of hidden1 and kill the next K (default never)",
                "updater", Fixtures.UPDATER_HELP,
                "batch", "minibatch size (default 64)",
                "batches", "distinct minibatches, cycled (default 16; 1 + --updater none: every iteration identical)",
                "idleClone", "true: keep a clone of the network that is never trained (default false)");
        int dead = o.countOrAll("deadUnits", 0, SIZES[2]);
        int batch = o.intValue("batch", 64);
        int swapAt = o.intValue("swapAt", -1);
        if (swapAt >= 0 && 2 * dead > SIZES[2]) {
            throw o.usage("--swapAt needs --deadUnits K with 2K <= " + SIZES[2]);
        }
        o.seedNd4j();

        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(o.seed)
                .updater(Fixtures.updater(o, 1e-3))
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new DenseLayer.Builder().name("hidden0").nIn(SIZES[0]).nOut(SIZES[1])
                        .activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().name("hidden1").nIn(SIZES[1]).nOut(SIZES[2])
                        .activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().name("hidden2").nIn(SIZES[2]).nOut(SIZES[3])
                        .activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).name("output").nIn(SIZES[3]).nOut(SIZES[4])
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        Fixtures.setParam(net.getLayer("hidden1"), "b", 0, dead, Fixtures.DEAD_BIAS);
        o.attachGroundTruth(net, false);
        MultiLayerNetwork idle = Boolean.parseBoolean(o.string("idleClone", "false")) ? net.clone() : null;

        INDArray[][] data = Fixtures.denseBatches(o.seed, o.intValue("batches", 16), batch, SIZES[0], SIZES[4], 0.3);
        System.out.println("DeadLayerTrainer: 100-48-32-24-10, " + dead + " of 32 units of hidden1 forced dead");
        o.train(net, i -> {
            if (i == swapAt) {
                Fixtures.setParam(net.getLayer("hidden1"), "b", 0, dead, 1.0);
                Fixtures.setParam(net.getLayer("hidden1"), "b", dead, dead, Fixtures.DEAD_BIAS);
                System.out.println("DeadLayerTrainer: minibatch " + i + ": units 0.." + (dead - 1)
                        + " of hidden1 revived, units " + dead + ".." + (2 * dead - 1) + " killed");
            }
            net.fit(data[i % data.length][0], data[i % data.length][1]);
        });
        if (idle != null) {
            System.out.println("DeadLayerTrainer: idle clone kept, " + idle.getIterationCount() + " iterations");
        }
    }
}
