package io.deadunit.examples;

import java.util.Random;

import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * Sequence classification on synthetic sequences (8 features in [0,1], T = 20 steps, a label per step):
 * <pre>
 *   lstm    LSTM, 16 units, tanh
 *   rnn     SimpleRnn, 12 units, relu
 *   output  RnnOutputLayer, 4 classes, softmax
 * </pre>
 * {@code --tbptt K}: truncated BPTT with segments of K steps (each fit call then makes T/K optimizer steps, each one
 * a forward pass over K steps; NCW only: DL4J M2.1 truncated BPTT silently skips NWC data).
 * {@code --format NCW|NWC}: RNNFormat of every layer and of the data.
 * {@code --deadUnits K}: the first K units of "rnn" get bias -1e4 (dead ReLU), and the first K units of "lstm" get
 * output-gate bias -1e4 (output gate exactly 0, so h = o * tanh(c) is exactly 0): K dead units in each layer.
 * Also {@code --updater}, {@code --batch} (16), {@code --steps T} (20).
 */
public final class LstmTrainer {

    static final int N_IN = 8;
    static final int LSTM_UNITS = 16;
    static final int RNN_UNITS = 12;
    static final int CLASSES = 4;

    public static void main(String[] args) {
        TrainerOptions o = TrainerOptions.parse("LstmTrainer", args, 40, -1,
                "tbptt", "K: truncated BPTT length (default: full BPTT)",
                "format", "NCW|NWC (default NCW)",
                "deadUnits", "K: units forced dead in lstm and in rnn (default 0)",
                "updater", Fixtures.UPDATER_HELP,
                "batch", "minibatch size (default 16)",
                "steps", "time steps per sequence (default 20)");
        RNNFormat format = RNNFormat.valueOf(o.string("format", "NCW").toUpperCase());
        int tbptt = o.intValue("tbptt", 0);
        int dead = o.countOrAll("deadUnits", 0, RNN_UNITS);
        int batch = o.intValue("batch", 16);
        int steps = o.intValue("steps", 20);
        o.seedNd4j();

        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(o.seed)
                .updater(Fixtures.updater(o, 3e-3))
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new LSTM.Builder().name("lstm").nOut(LSTM_UNITS).activation(Activation.TANH)
                        .dataFormat(format).build())
                .layer(new SimpleRnn.Builder().name("rnn").nOut(RNN_UNITS).activation(Activation.RELU)
                        .dataFormat(format).build())
                .layer(new RnnOutputLayer.Builder(LossFunction.MCXENT).name("output").nOut(CLASSES)
                        .activation(Activation.SOFTMAX).dataFormat(format).build())
                .setInputType(InputType.recurrent(N_IN, steps, format));
        if (tbptt > 0 && format == RNNFormat.NWC) {
            // MultiLayerNetwork.doTruncatedBPTT (M2.1) reads the time axis as size(2), i.e. assumes NCW: with NWC
            // data it finds "different lengths" for features and labels and silently returns without training.
            throw o.usage("--tbptt needs --format NCW (DL4J 1.0.0-M2.1 truncated BPTT assumes NCW)");
        }
        if (tbptt > 0) {
            list.backpropType(BackpropType.TruncatedBPTT).tBPTTLength(tbptt);
        }
        MultiLayerConfiguration conf = list.build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        // LSTM bias layout in DL4J: [input (block input), forget, output, input-modulation] x nOut
        Fixtures.setParam(net.getLayer("lstm"), "b", 2 * LSTM_UNITS, dead, Fixtures.DEAD_BIAS);
        Fixtures.setParam(net.getLayer("rnn"), "b", 0, dead, Fixtures.DEAD_BIAS);
        o.attachGroundTruth(net, format == RNNFormat.NWC);

        INDArray[][] data = sequences(o.seed, 8, batch, steps, format);
        System.out.println("LstmTrainer: " + format + ", T=" + steps + (tbptt > 0 ? ", tBPTT " + tbptt : "")
                + ", " + dead + " units forced dead in lstm and rnn");
        o.train(net, i -> net.fit(data[i % data.length][0], data[i % data.length][1]));
    }

    /** {features [b, 8, T] or [b, T, 8], labels [b, 4, T] or [b, T, 4]}: a class per sequence, repeated per step. */
    static INDArray[][] sequences(long seed, int count, int batch, int steps, RNNFormat format) {
        Random rnd = new Random(seed);
        float[][] protos = Fixtures.prototypes(rnd, CLASSES, N_IN * steps);
        INDArray[][] out = new INDArray[count][];
        for (int b = 0; b < count; b++) {
            float[] x = new float[batch * N_IN * steps];   // [b, f, t]
            float[] y = new float[batch * CLASSES * steps]; // [b, c, t]
            for (int i = 0; i < batch; i++) {
                int c = rnd.nextInt(CLASSES);
                for (int f = 0; f < N_IN; f++) {
                    for (int t = 0; t < steps; t++) {
                        x[(i * N_IN + f) * steps + t] =
                                Fixtures.clamp01(protos[c][f * steps + t] + 0.3 * rnd.nextGaussian());
                    }
                }
                for (int t = 0; t < steps; t++) {
                    y[(i * CLASSES + c) * steps + t] = 1f;
                }
            }
            INDArray fx = Nd4j.create(x, new long[] {batch, N_IN, steps}, 'c');
            INDArray fy = Nd4j.create(y, new long[] {batch, CLASSES, steps}, 'c');
            if (format == RNNFormat.NWC) {
                fx = fx.permute(0, 2, 1).dup('c');
                fy = fy.permute(0, 2, 1).dup('c');
            }
            out[b] = new INDArray[] {fx, fy};
        }
        return out;
    }
}
