package io.deadunit.examples;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * A ComputationGraph with named vertices, on synthetic dense data (40 features in [0,1], 5 classes):
 * <pre>
 *   in (input) -> dense_a (24, relu) ----\
 *   in         -> dense_b (16, tanh) ----- merge (MergeVertex, 40) -> dense_c (12, relu) -> out (5, softmax)
 * </pre>
 * {@code --deadUnits K} sets the bias of the first K units of "dense_a" to -1e4 (dead). Also {@code --updater},
 * {@code --batch} (64).
 */
public final class GraphTrainer {

    public static void main(String[] args) {
        TrainerOptions o = TrainerOptions.parse("GraphTrainer", args, 100, -1,
                "deadUnits", "K|all: units of dense_a forced dead (default 0)",
                "updater", Fixtures.UPDATER_HELP,
                "batch", "minibatch size (default 64)");
        int dead = o.countOrAll("deadUnits", 0, 24);
        int batch = o.intValue("batch", 64);
        o.seedNd4j();

        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(o.seed)
                .updater(Fixtures.updater(o, 1e-3))
                .weightInit(WeightInit.XAVIER)
                .graphBuilder()
                .addInputs("in")
                .addLayer("dense_a", new DenseLayer.Builder().nIn(40).nOut(24).activation(Activation.RELU).build(),
                        "in")
                .addLayer("dense_b", new DenseLayer.Builder().nIn(40).nOut(16).activation(Activation.TANH).build(),
                        "in")
                .addVertex("merge", new MergeVertex(), "dense_a", "dense_b")
                .addLayer("dense_c", new DenseLayer.Builder().nIn(40).nOut(12).activation(Activation.RELU).build(),
                        "merge")
                .addLayer("out", new OutputLayer.Builder(LossFunction.MCXENT).nIn(12).nOut(5)
                        .activation(Activation.SOFTMAX).build(), "dense_c")
                .setOutputs("out")
                .build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        Fixtures.setParam(graph.getLayer("dense_a"), "b", 0, dead, Fixtures.DEAD_BIAS);
        o.attachGroundTruth(graph, false);

        INDArray[][] data = Fixtures.denseBatches(o.seed, 16, batch, 40, 5, 0.3);
        System.out.println("GraphTrainer: " + dead + " of 24 units of dense_a forced dead");
        o.train(graph, i -> graph.fit(new INDArray[] {data[i % data.length][0]},
                new INDArray[] {data[i % data.length][1]}));
    }
}
