package io.deadunit.bench;

import java.util.Arrays;
import java.util.Random;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/** The benchmark's models and their synthetic data (batch {@value Workload#BATCH}, unless a model says otherwise). */
final class Models {
    private Models() {
    }

    /**
     * <ul>
     *   <li>mlp: 784-256-256-10, relu, softmax</li>
     *   <li>cnn: LeNet-style on 28x28x1: conv 5x5x20 relu, max-pool 2x2, conv 5x5x50 relu, max-pool 2x2,
     *       dense 500 relu, softmax 10</li>
     *   <li>lstm: LSTM 32 inputs to 64 units (tanh), T = 20, RnnOutputLayer 10 per step</li>
     *   <li>graph: ComputationGraph: 784 inputs to two dense branches (256 relu, 256 tanh), merged (512), dense 256
     *       relu, added (ElementWiseVertex) to a 256 relu skip branch, softmax 10</li>
     *   <li>deep: 64 inputs, L-1 dense layers of 64 relu, softmax 10 (L layers in all)</li>
     *   <li>small: 64-128-128-10 relu, softmax (fast; for the 10,000-iteration heap check)</li>
     *   <li>wide: 16-4096-10, relu, softmax, batch {@value #WIDE_BATCH}: many activations for little arithmetic,
     *       so that reading them on the training thread ({@code statisticsThread=false}, every iteration) costs it
     *       more than 10% (for {@link Calibration})</li>
     * </ul>
     */
    static Model build(String workload, int layers) {
        NeuralNetConfiguration.Builder base = new NeuralNetConfiguration.Builder()
                .seed(42).updater(new Adam(1e-3)).weightInit(WeightInit.XAVIER);
        switch (workload) {
            case "mlp":
                return mln(base.list()
                        .layer(dense(256)).layer(dense(256)).layer(output(10))
                        .setInputType(InputType.feedForward(784)).build());
            case "small":
                return mln(base.list()
                        .layer(dense(128)).layer(dense(128)).layer(output(10))
                        .setInputType(InputType.feedForward(64)).build());
            case "wide":
                return mln(base.list()
                        .layer(dense(4096)).layer(output(10))
                        .setInputType(InputType.feedForward(16)).build());
            case "deep": {
                NeuralNetConfiguration.ListBuilder list = base.list();
                for (int k = 0; k < layers - 1; k++) {
                    list.layer(dense(64));
                }
                return mln(list.layer(output(10)).setInputType(InputType.feedForward(64)).build());
            }
            case "cnn":
                return mln(base.list()
                        .layer(new ConvolutionLayer.Builder(5, 5).nOut(20).stride(1, 1)
                                .activation(Activation.RELU).build())
                        .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                                .kernelSize(2, 2).stride(2, 2).build())
                        .layer(new ConvolutionLayer.Builder(5, 5).nOut(50).stride(1, 1)
                                .activation(Activation.RELU).build())
                        .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                                .kernelSize(2, 2).stride(2, 2).build())
                        .layer(dense(500))
                        .layer(output(10))
                        .setInputType(InputType.convolutionalFlat(28, 28, 1)).build());
            case "lstm":
                return mln(base.list()
                        .layer(new LSTM.Builder().nOut(64).activation(Activation.TANH).build())
                        .layer(new RnnOutputLayer.Builder(LossFunction.MCXENT).nOut(10)
                                .activation(Activation.SOFTMAX).build())
                        .setInputType(InputType.recurrent(32, LSTM_STEPS, RNNFormat.NCW)).build());
            case "graph": {
                ComputationGraphConfiguration conf = base.graphBuilder()
                        .addInputs("in")
                        .addLayer("dense_a", new DenseLayer.Builder().nIn(784).nOut(256)
                                .activation(Activation.RELU).build(), "in")
                        .addLayer("dense_b", new DenseLayer.Builder().nIn(784).nOut(256)
                                .activation(Activation.TANH).build(), "in")
                        .addVertex("merge", new MergeVertex(), "dense_a", "dense_b")
                        .addLayer("dense_c", new DenseLayer.Builder().nIn(512).nOut(256)
                                .activation(Activation.RELU).build(), "merge")
                        .addLayer("skip", new DenseLayer.Builder().nIn(784).nOut(256)
                                .activation(Activation.RELU).build(), "in")
                        .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "dense_c", "skip")
                        .addLayer("out", new OutputLayer.Builder(LossFunction.MCXENT).nIn(256).nOut(10)
                                .activation(Activation.SOFTMAX).build(), "add")
                        .setOutputs("out")
                        .build();
                ComputationGraph graph = new ComputationGraph(conf);
                graph.init();
                return graph;
            }
            default:
                throw new IllegalArgumentException("--workload mlp|cnn|lstm|graph|deep|small|wide, not " + workload);
        }
    }

    static final int LSTM_STEPS = 20;
    static final int WIDE_BATCH = 16;

    private static MultiLayerNetwork mln(MultiLayerConfiguration conf) {
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static DenseLayer dense(int n) {
        return new DenseLayer.Builder().nOut(n).activation(Activation.RELU).build();
    }

    private static OutputLayer output(int n) {
        return new OutputLayer.Builder(LossFunction.MCXENT).nOut(n).activation(Activation.SOFTMAX).build();
    }

    /** {features, one-hot labels} batches: uniform [0,1) features, labels drawn at random. */
    static INDArray[][] data(String workload, int count, int layers) {
        Random rnd = new Random(7);
        INDArray[][] out = new INDArray[count][];
        for (int b = 0; b < count; b++) {
            int batch = workload.equals("wide") ? WIDE_BATCH : Workload.BATCH;
            long[] featureShape;
            long[] labelShape;
            switch (workload) {
                case "mlp":
                case "graph":
                    featureShape = new long[] {batch, 784};
                    labelShape = new long[] {batch, 10};
                    break;
                case "cnn":
                    featureShape = new long[] {batch, 784};
                    labelShape = new long[] {batch, 10};
                    break;
                case "small":
                case "deep":
                    featureShape = new long[] {batch, 64};
                    labelShape = new long[] {batch, 10};
                    break;
                case "wide":
                    featureShape = new long[] {batch, 16};
                    labelShape = new long[] {batch, 10};
                    break;
                case "lstm":
                    featureShape = new long[] {batch, 32, LSTM_STEPS};
                    labelShape = new long[] {batch, 10, LSTM_STEPS};
                    break;
                default:
                    throw new IllegalArgumentException(workload);
            }
            INDArray features = Nd4j.rand(featureShape);
            float[] labels = new float[(int) Arrays.stream(labelShape).reduce(1, (x, y) -> x * y)];
            if (labelShape.length == 2) {
                for (int i = 0; i < batch; i++) {
                    labels[i * 10 + rnd.nextInt(10)] = 1f;
                }
            } else {
                for (int i = 0; i < batch; i++) {
                    int c = rnd.nextInt(10);
                    for (int t = 0; t < LSTM_STEPS; t++) {
                        labels[(i * 10 + c) * LSTM_STEPS + t] = 1f;
                    }
                }
            }
            out[b] = new INDArray[] {features, Nd4j.create(labels, labelShape, 'c')};
        }
        return out;
    }
}
