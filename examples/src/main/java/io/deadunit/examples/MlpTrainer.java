package io.deadunit.examples;

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
 * The demo: an MLP 784-256-256-10 (ReLU hidden layers, softmax output, Adam) trained on synthetic MNIST-sized data,
 * batch 64. Plain DL4J: run it with {@code -javaagent:deadunit-agent.jar} to see its layers on /metrics.
 * Default: 60 seconds, a progress line every 5 seconds.
 */
public final class MlpTrainer {

    public static void main(String[] args) {
        TrainerOptions o = TrainerOptions.parse("MlpTrainer", args, -1, 60,
                "batch", "minibatch size (default 64)",
                "lr", "Adam learning rate (default 1e-3)");
        int batch = o.intValue("batch", 64);
        o.seedNd4j();

        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(o.seed)
                .updater(new Adam(o.doubleValue("lr", 1e-3)))
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new DenseLayer.Builder().nIn(784).nOut(256).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nIn(256).nOut(256).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).nIn(256).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        o.attachGroundTruth(net, false);

        INDArray[][] data = Fixtures.denseBatches(o.seed, 32, batch, 784, 10, 0.35);
        System.out.println("MlpTrainer: 784-256-256-10, batch " + batch + ", " + net.numParams() + " parameters");
        o.train(net, i -> net.fit(data[i % data.length][0], data[i % data.length][1]));
    }
}
