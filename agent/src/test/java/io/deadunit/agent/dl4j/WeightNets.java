package io.deadunit.agent.dl4j;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/** Small real DL4J networks for the weight and revival tests. */
final class WeightNets {
    static final int IN = 12;
    static final int H0 = 10;
    static final int H1 = 8;
    static final int OUT = 3;

    private WeightNets() {
    }

    /** MLP IN-H0-H1-OUT, ReLU hidden layers, with the first {@code dead} units of hidden layer 1 killed by bias -1e4. */
    static MultiLayerNetwork mlp(IUpdater updater, int dead) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(3)
                .updater(updater)
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new DenseLayer.Builder().name("h0").nIn(IN).nOut(H0).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().name("h1").nIn(H0).nOut(H1).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).name("out").nIn(H1).nOut(OUT)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        INDArray b = net.getLayer(1).getParam("b");
        for (int j = 0; j < dead; j++) {
            b.putScalar(j, -1e4);
        }
        return net;
    }

    /** Conv 3x3 (4 channels, first {@code dead} killed) - max pool - output, on 1x8x8 inputs. */
    static MultiLayerNetwork cnn(IUpdater updater, int dead) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(5)
                .updater(updater)
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new ConvolutionLayer.Builder(3, 3).name("conv").nOut(4).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .name("pool").build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).name("out").nOut(OUT)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(8, 8, 1))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        INDArray b = net.getLayer(0).getParam("b");
        for (int j = 0; j < dead; j++) {
            b.putScalar(j, -1e4);
        }
        return net;
    }

    /** Standard normal features (so that no unit is dead by chance) and one-hot labels, seeded. */
    static INDArray[] batch(long seed, int rows, long... featureShape) {
        Nd4j.getRandom().setSeed(seed);
        long[] shape = new long[featureShape.length + 1];
        shape[0] = rows;
        System.arraycopy(featureShape, 0, shape, 1, featureShape.length);
        INDArray x = Nd4j.randn(DataType.FLOAT, shape);
        INDArray y = Nd4j.zeros(DataType.FLOAT, rows, OUT);
        for (int i = 0; i < rows; i++) {
            y.putScalar(i, i % OUT, 1);
        }
        return new INDArray[] {x, y};
    }
}
