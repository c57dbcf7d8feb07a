package io.deadunit.examples;

import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.parallelism.ParallelWrapper;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

import java.util.ArrayList;
import java.util.List;

/**
 * DL4J's ParallelWrapper: {@code --workers N} threads train copies of one MLP (100-48-32-10, hidden layers
 * "hidden0", "hidden1") on a shared stream of minibatches, averaging parameters every few steps. The first
 * {@code --deadUnits K} units of "hidden1" are forced dead, so every copy has at least K dead units there.
 *
 * <p>Flags: {@code --workers N} (2), {@code --deadUnits K} (0), {@code --epochs N} (3), {@code --batches N}
 * minibatches per epoch (24).
 */
public final class ParallelTrainer {

    public static void main(String[] args) {
        TrainerOptions o = TrainerOptions.parse("ParallelTrainer", args, 0, -1,
                "workers", "worker threads (default 2)",
                "deadUnits", "units of hidden1 forced dead (default 0)",
                "epochs", "passes over the data (default 3)",
                "batches", "minibatches per epoch (default 24)");
        int workers = o.intValue("workers", 2);
        int dead = o.intValue("deadUnits", 0);
        o.seedNd4j();

        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(o.seed)
                .updater(Fixtures.updater(o, 1e-3))
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new DenseLayer.Builder().name("hidden0").nIn(100).nOut(48).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().name("hidden1").nIn(48).nOut(32).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).name("output").nIn(32).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        Fixtures.setParam(net.getLayer("hidden1"), "b", 0, dead, Fixtures.DEAD_BIAS);

        List<DataSet> batches = new ArrayList<>();
        for (INDArray[] batch : Fixtures.denseBatches(o.seed, o.intValue("batches", 24), 32, 100, 10, 0.3)) {
            batches.add(new DataSet(batch[0], batch[1]));
        }
        ParallelWrapper wrapper = new ParallelWrapper.Builder<>(net)
                .workers(workers)
                .prefetchBuffer(4)
                .averagingFrequency(3)
                .build();
        int epochs = o.intValue("epochs", 3);
        for (int epoch = 0; epoch < epochs; epoch++) {
            wrapper.fit(new ListDataSetIterator<>(batches, 1));
        }
        wrapper.shutdown();
        System.out.println("ParallelTrainer: " + workers + " workers, " + epochs + " epochs of " + batches.size()
                + " minibatches, " + dead + " units of hidden1 forced dead");
        o.finish(net);
    }
}
