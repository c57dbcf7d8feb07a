package io.deadunit.examples;

import java.util.Random;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * Other layer kinds, one small MultiLayerNetwork per {@code --kind}; {@code --deadUnits K} forces K dead units
 * (bias -1e4 on a ReLU layer) in the first layer of each:
 * <pre>
 *   embedding      emb (EmbeddingLayer 50 -> 16, relu, bias) -> dense (12, relu) -> output (4, softmax)
 *   embseq         embseq (EmbeddingSequenceLayer 50 -> 8, T=10, relu, bias) -> lstm (12) -> output (RnnOutputLayer 4)
 *   frozen         f0 (32, relu) -> f1 (24, relu) -> t0 (16, relu) -> output (5): f0, f1 frozen after init by
 *                  TransferLearning.setFeatureExtractor(1) (FrozenLayer: no backward call below t0)
 *   frozenbp       same, f0 and f1 wrapped in FrozenLayerWithBackprop in the configuration
 *   bidirectional  bi (Bidirectional CONCAT of SimpleRnn 8 relu: 16 units) -> lstm (10) -> output (RnnOutputLayer 4);
 *                  K dead units in each direction: 2K dead units in "bi"
 *   dropout        d0 (32, relu; units >= K get bias +10 so they are certainly alive) -> drop (DropoutLayer, retain
 *                  0.5) -> d1 (16, relu, input dropout retain 0.8) -> output (4): d0 and drop have exactly K dead
 *                  units. (Without --groundTruth DL4J applies dropout in place, overwriting d0's output array.)
 * </pre>
 * Also {@code --updater}, {@code --batch} (32).
 */
public final class ZooTrainer {

    static final int VOCAB = 50;
    static final int T = 10;

    public static void main(String[] args) {
        TrainerOptions o = TrainerOptions.parse("ZooTrainer", args, 50, -1,
                "kind", "embedding|embseq|frozen|frozenbp|bidirectional|dropout (default embedding)",
                "deadUnits", "K: units forced dead in the first layer (default 0)",
                "updater", Fixtures.UPDATER_HELP,
                "batch", "minibatch size (default 32)");
        String kind = o.string("kind", "embedding").toLowerCase();
        int dead = o.intValue("deadUnits", 0);
        int batch = o.intValue("batch", 32);
        IUpdater updater = Fixtures.updater(o, 1e-3);
        o.seedNd4j();
        NeuralNetConfiguration.Builder base = new NeuralNetConfiguration.Builder()
                .seed(o.seed).updater(updater).weightInit(WeightInit.XAVIER);
        Random rnd = new Random(o.seed);

        MultiLayerNetwork net;
        INDArray[][] data;
        boolean rnn = false;
        switch (kind) {
            case "embedding": {
                net = init(base.list()
                        .layer(new EmbeddingLayer.Builder().name("emb").nIn(VOCAB).nOut(16).hasBias(true)
                                .activation(Activation.RELU).build())
                        .layer(new DenseLayer.Builder().name("dense").nIn(16).nOut(12).activation(Activation.RELU)
                                .build())
                        .layer(new OutputLayer.Builder(LossFunction.MCXENT).name("output").nIn(12).nOut(4)
                                .activation(Activation.SOFTMAX).build())
                        .build());
                check(dead, 16, o);
                Fixtures.setParam(net.getLayer("emb"), "b", 0, dead, Fixtures.DEAD_BIAS);
                data = indexBatches(rnd, 8, batch, 1, 4);
                break;
            }
            case "embseq": {
                net = init(base.list()
                        .layer(new EmbeddingSequenceLayer.Builder().name("embseq").nIn(VOCAB).nOut(8).inputLength(T)
                                .hasBias(true).activation(Activation.RELU).build())
                        .layer(new LSTM.Builder().name("lstm").nIn(8).nOut(12).activation(Activation.TANH).build())
                        .layer(new RnnOutputLayer.Builder(LossFunction.MCXENT).name("output").nIn(12).nOut(4)
                                .activation(Activation.SOFTMAX).dataFormat(RNNFormat.NCW).build())
                        .build());
                check(dead, 8, o);
                Fixtures.setParam(net.getLayer("embseq"), "b", 0, dead, Fixtures.DEAD_BIAS);
                data = indexBatches(rnd, 8, batch, T, 4);
                rnn = true;
                break;
            }
            case "frozen":
            case "frozenbp": {
                boolean bp = kind.equals("frozenbp");
                DenseLayer f0 = new DenseLayer.Builder().name("f0").nIn(30).nOut(32).activation(Activation.RELU)
                        .build();
                DenseLayer f1 = new DenseLayer.Builder().name("f1").nIn(32).nOut(24).activation(Activation.RELU)
                        .build();
                NeuralNetConfiguration.ListBuilder list = base.list();
                if (bp) {
                    FrozenLayerWithBackprop w0 = new FrozenLayerWithBackprop(f0);
                    w0.setLayerName("f0");
                    FrozenLayerWithBackprop w1 = new FrozenLayerWithBackprop(f1);
                    w1.setLayerName("f1");
                    list.layer(w0).layer(w1);
                } else {
                    list.layer(f0).layer(f1);
                }
                net = init(list
                        .layer(new DenseLayer.Builder().name("t0").nIn(24).nOut(16).activation(Activation.RELU)
                                .build())
                        .layer(new OutputLayer.Builder(LossFunction.MCXENT).name("output").nIn(16).nOut(5)
                                .activation(Activation.SOFTMAX).build())
                        .build());
                check(dead, 32, o);
                Fixtures.setParam(net.getLayer("f0"), "b", 0, dead, Fixtures.DEAD_BIAS);
                if (!bp) {
                    net = new TransferLearning.Builder(net)
                            .fineTuneConfiguration(new FineTuneConfiguration.Builder().seed(o.seed).updater(updater)
                                    .build())
                            .setFeatureExtractor(1)
                            .build();
                }
                data = Fixtures.denseBatches(o.seed, 8, batch, 30, 5, 0.3);
                break;
            }
            case "bidirectional": {
                Bidirectional bi = new Bidirectional(Bidirectional.Mode.CONCAT, new SimpleRnn.Builder().nIn(6).nOut(8)
                        .activation(Activation.RELU).build());
                bi.setLayerName("bi");
                net = init(base.list()
                        .layer(bi)
                        .layer(new LSTM.Builder().name("lstm").nIn(16).nOut(10).activation(Activation.TANH).build())
                        .layer(new RnnOutputLayer.Builder(LossFunction.MCXENT).name("output").nIn(10).nOut(4)
                                .activation(Activation.SOFTMAX).dataFormat(RNNFormat.NCW).build())
                        .build());
                check(dead, 8, o);
                Fixtures.setParam(net.getLayer("bi"), "fb", 0, dead, Fixtures.DEAD_BIAS);
                Fixtures.setParam(net.getLayer("bi"), "bb", 0, dead, Fixtures.DEAD_BIAS);
                data = sequenceBatches(rnd, 8, batch, 6, T, 4);
                rnn = true;
                break;
            }
            case "dropout": {
                net = init(base.list()
                        .layer(new DenseLayer.Builder().name("d0").nIn(30).nOut(32).activation(Activation.RELU)
                                .build())
                        .layer(new DropoutLayer.Builder(0.5).name("drop").build())
                        .layer(new DenseLayer.Builder().name("d1").nIn(32).nOut(16).activation(Activation.RELU)
                                .dropOut(0.8).build())
                        .layer(new OutputLayer.Builder(LossFunction.MCXENT).name("output").nIn(16).nOut(4)
                                .activation(Activation.SOFTMAX).build())
                        .setInputType(InputType.feedForward(30))
                        .build());
                check(dead, 32, o);
                Fixtures.setParam(net.getLayer("d0"), "b", 0, dead, Fixtures.DEAD_BIAS);
                Fixtures.setParam(net.getLayer("d0"), "b", dead, 32 - dead, 10);
                data = Fixtures.denseBatches(o.seed, 8, batch, 30, 4, 0.3);
                break;
            }
            default:
                throw o.usage("unknown --kind " + kind);
        }
        o.attachGroundTruth(net, false);
        System.out.println("ZooTrainer: kind " + kind + ", " + dead + " units forced dead, layers "
                + describe(net) + (rnn ? " (recurrent)" : ""));
        MultiLayerNetwork model = net;
        INDArray[][] batches = data;
        o.train(model, i -> model.fit(batches[i % batches.length][0], batches[i % batches.length][1]));
    }

    private static MultiLayerNetwork init(MultiLayerConfiguration conf) {
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static void check(int dead, int max, TrainerOptions o) {
        if (dead < 0 || dead > max) {
            throw o.usage("--deadUnits must be between 0 and " + max);
        }
    }

    private static String describe(MultiLayerNetwork net) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < net.getnLayers(); i++) {
            sb.append(i == 0 ? "" : ", ").append(net.getLayer(i).conf().getLayer().getLayerName()).append(':')
                    .append(net.getLayer(i).getClass().getSimpleName());
        }
        return sb.toString();
    }

    /**
     * Index inputs: features [batch, 1] (steps == 1) or [batch, steps] of token indices; labels [batch, classes] or
     * [batch, classes, steps]; the class is a function of the tokens (token mod classes of the first token).
     */
    static INDArray[][] indexBatches(Random rnd, int count, int batch, int steps, int classes) {
        INDArray[][] out = new INDArray[count][];
        for (int b = 0; b < count; b++) {
            float[] x = new float[batch * steps];
            float[] y = new float[batch * classes * steps];
            for (int i = 0; i < batch; i++) {
                int c = rnd.nextInt(classes);
                for (int t = 0; t < steps; t++) {
                    x[i * steps + t] = c + classes * rnd.nextInt(VOCAB / classes);
                    y[(i * classes + c) * steps + t] = 1f;
                }
            }
            INDArray fx = Nd4j.create(x, new long[] {batch, steps}, 'c');
            INDArray fy = steps == 1 ? Nd4j.create(y, new long[] {batch, classes}, 'c')
                    : Nd4j.create(y, new long[] {batch, classes, steps}, 'c');
            out[b] = new INDArray[] {fx, fy};
        }
        return out;
    }

    /** Dense sequences: features [batch, nIn, steps] in [0,1], labels [batch, classes, steps]. */
    static INDArray[][] sequenceBatches(Random rnd, int count, int batch, int nIn, int steps, int classes) {
        float[][] protos = Fixtures.prototypes(rnd, classes, nIn * steps);
        INDArray[][] out = new INDArray[count][];
        for (int b = 0; b < count; b++) {
            float[] x = new float[batch * nIn * steps];
            float[] y = new float[batch * classes * steps];
            for (int i = 0; i < batch; i++) {
                int c = rnd.nextInt(classes);
                for (int k = 0; k < nIn * steps; k++) {
                    x[i * nIn * steps + k] = Fixtures.clamp01(protos[c][k] + 0.3 * rnd.nextGaussian());
                }
                for (int t = 0; t < steps; t++) {
                    y[(i * classes + c) * steps + t] = 1f;
                }
            }
            out[b] = new INDArray[] {Nd4j.create(x, new long[] {batch, nIn, steps}, 'c'),
                    Nd4j.create(y, new long[] {batch, classes, steps}, 'c')};
        }
        return out;
    }
}
