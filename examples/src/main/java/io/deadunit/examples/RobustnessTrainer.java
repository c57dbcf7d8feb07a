package io.deadunit.examples;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

import java.util.Locale;
import java.util.Random;

/**
 * Awkward but legal training setups: workspaces off or on, NaN in the data, batches of one, variable-length
 * sequences with masks, and long runs that print the heap in use.
 *
 * <p>Flags: {@code --model mlp|masked-lstm} (mlp), {@code --workspaces enabled|none} (enabled), {@code --nan}
 * (one input feature is NaN in every batch), {@code --batch N} (16), {@code --deadUnits K} (first K units of
 * "hidden1" forced dead, mlp), {@code --updater}, {@code --reportHeapEvery N} (print {@code HEAP <iteration>
 * <bytes>} after a full GC every N iterations).
 */
public final class RobustnessTrainer {

    public static void main(String[] args) {
        TrainerOptions o = TrainerOptions.parse("RobustnessTrainer", args, 40, -1,
                "model", "mlp|masked-lstm (default mlp)",
                "workspaces", "enabled|none (default enabled)",
                "nan", "true: one input feature is NaN in every batch",
                "batch", "minibatch size (default 16)",
                "deadUnits", "units of hidden1 forced dead (mlp, default 0)",
                "updater", Fixtures.UPDATER_HELP,
                "reportHeapEvery", "print HEAP <iteration> <bytes> after a full GC every N iterations");
        o.seedNd4j();
        WorkspaceMode workspaces = o.string("workspaces", "enabled").equalsIgnoreCase("none")
                ? WorkspaceMode.NONE : WorkspaceMode.ENABLED;
        int batch = o.intValue("batch", 16);
        boolean lstm = o.string("model", "mlp").equals("masked-lstm");
        MultiLayerNetwork net = lstm ? maskedLstm(o, workspaces) : mlp(o, workspaces);
        INDArray[][] data = lstm ? maskedSequences(o.seed, batch) : mlpData(o, batch);
        int heapEvery = o.intValue("reportHeapEvery", 0);
        System.out.println("RobustnessTrainer: " + (lstm ? "masked LSTM" : "MLP") + ", workspaces " + workspaces
                + ", batch " + batch);
        o.train(net, i -> {
            INDArray[] b = data[i % data.length];
            if (lstm) {
                net.fit(b[0], b[1], b[2], b[2]);
            } else {
                net.fit(b[0], b[1]);
            }
            if (heapEvery > 0 && (i + 1) % heapEvery == 0) {
                printHeap(i + 1);
            }
        });
    }

    private static NeuralNetConfiguration.ListBuilder layers(TrainerOptions o, WorkspaceMode workspaces) {
        return new NeuralNetConfiguration.Builder()
                .seed(o.seed)
                .updater(Fixtures.updater(o, 1e-3))
                .weightInit(WeightInit.XAVIER)
                .trainingWorkspaceMode(workspaces)
                .inferenceWorkspaceMode(workspaces)
                .list();
    }

    private static MultiLayerNetwork mlp(TrainerOptions o, WorkspaceMode workspaces) {
        MultiLayerConfiguration conf = layers(o, workspaces)
                .layer(new DenseLayer.Builder().name("hidden0").nIn(20).nOut(24).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().name("hidden1").nIn(24).nOut(16).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).name("output").nIn(16).nOut(4)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        Fixtures.setParam(net.getLayer("hidden1"), "b", 0, o.intValue("deadUnits", 0), Fixtures.DEAD_BIAS);
        return net;
    }

    private static INDArray[][] mlpData(TrainerOptions o, int batch) {
        INDArray[][] data = Fixtures.denseBatches(o.seed, 8, batch, 20, 4, 0.3);
        if (Boolean.parseBoolean(o.string("nan", "false"))) {
            for (INDArray[] b : data) {
                b[0].putScalar(0, 3, Float.NaN);
            }
        }
        return data;
    }

    /** An LSTM (tanh) over sequences of 10 steps where every second example has only its first 5 steps real. */
    private static MultiLayerNetwork maskedLstm(TrainerOptions o, WorkspaceMode workspaces) {
        MultiLayerConfiguration conf = layers(o, workspaces)
                .layer(new LSTM.Builder().name("lstm").nIn(6).nOut(12).activation(Activation.TANH).build())
                .layer(new RnnOutputLayer.Builder(LossFunction.MCXENT).name("output").nIn(12).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /** {features [b, 6, 10], labels [b, 3, 10], mask [b, 10]}. */
    private static INDArray[][] maskedSequences(long seed, int batch) {
        Random rnd = new Random(seed);
        int steps = 10;
        INDArray[][] out = new INDArray[4][];
        for (int n = 0; n < out.length; n++) {
            INDArray features = Nd4j.zeros(batch, 6, steps);
            INDArray labels = Nd4j.zeros(batch, 3, steps);
            INDArray mask = Nd4j.zeros(batch, steps);
            for (int b = 0; b < batch; b++) {
                int real = b % 2 == 0 ? steps : steps / 2;
                for (int t = 0; t < real; t++) {
                    mask.putScalar(b, t, 1);
                    labels.putScalar(new int[]{b, rnd.nextInt(3), t}, 1);
                    for (int f = 0; f < 6; f++) {
                        features.putScalar(new int[]{b, f, t}, rnd.nextGaussian());
                    }
                }
            }
            out[n] = new INDArray[]{features, labels, mask};
        }
        return out;
    }

    private static void printHeap(int iteration) {
        Runtime runtime = Runtime.getRuntime();
        System.gc();
        System.out.printf(Locale.ROOT, "HEAP %d %d%n", iteration, runtime.totalMemory() - runtime.freeMemory());
        System.out.flush();
    }
}
