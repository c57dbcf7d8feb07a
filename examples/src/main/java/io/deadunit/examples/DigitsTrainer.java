package io.deadunit.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.zip.GZIPInputStream;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * A real data set: the 8x8 handwritten digits (1797 × 64 pixel counts 0..16, 10 classes; scikit-learn's copy of
 * the UCI test set, in {@code resources/digits/} with its licence). Shuffled with the seed and split into 1347
 * training and 450 test images; pixels scaled to [0,1]. An MLP 64-H-H-10 ("hidden0", "hidden1" ReLU, softmax
 * "output") is trained on minibatches of 32, cycling over the training set.
 *
 * <p>With a learning rate that is too high for it a large share of the hidden units die early and never come back
 * (measured, seed 42, 2000 iterations: Adam 0.001 → 7 of 128 dead, 0.01 → 23, 0.03 → 51, 0.05 → 92, 0.1 → 110).
 * After training the trainer measures, itself and independently of any agent, the dead units (ReLU output exactly
 * 0 for every training image) and the test accuracy, and prints
 * <pre>RESULT dead=D units=U accuracy=A hidden0=D0 hidden1=D1 trainAccuracy=T [deadAtSwitch=S] lr=L seed=N</pre>
 *
 * <p>Flags: {@code --lr} (default 0.07; docs/revival.md studies 0.01, 0.05 and 0.1), {@code --updater adam|sgd} (adam),
 * {@code --hidden H} (64), {@code --batch} (32); {@code --iterations} minibatches (default 3050: not a multiple of
 * the agent's default window of 100, so that units an agent revives at the last window close have 50 iterations to
 * die again before they are counted); {@code --shuffledFirst N} (0): loss of plasticity, the first N of those
 * minibatches carry the training labels shuffled among the images, the rest the true labels ({@code deadAtSwitch}:
 * dead units when the labels change); {@code --lr} and {@code --seeds} take lists (joined by commas): one run, and one
 * RESULT line, per learning rate and seed, in this JVM (the revival study: one JVM start instead of dozens).
 */
public final class DigitsTrainer {

    static final String RESOURCE = "/digits/digits.csv.gz";
    static final int FEATURES = 64;
    static final int CLASSES = 10;
    static final int TEST = 450;

    public static void main(String[] args) {
        TrainerOptions o = TrainerOptions.parse("DigitsTrainer", args, 3050, -1,
                "lr", "learning rate, or several joined by commas (default 0.07)",
                "seeds", "several seeds joined by commas: one run per learning rate and seed in this JVM (default"
                        + " --seed)",
                "updater", "adam|sgd (default adam)",
                "hidden", "units per hidden layer (default 64)",
                "batch", "minibatch size (default 32)",
                "shuffledFirst", "train the first N minibatches on shuffled labels, then on the true ones (default 0)");
        if (o.iterations < 0) {
            throw o.usage("DigitsTrainer needs --iterations");
        }
        MultiLayerNetwork net = null;
        for (String lr : o.string("lr", "0.07").split(",")) {
            for (String seed : o.string("seeds", Long.toString(o.seed)).split(",")) {
                try {
                    net = train(o, lr.trim(), Long.parseLong(seed.trim()));
                } catch (NumberFormatException e) {
                    throw o.usage("--lr and --seeds expect numbers, got " + lr + " and " + seed);
                }
            }
        }
        o.finish(net);
    }

    /** One run: trains a fresh network and prints its RESULT line. */
    static MultiLayerNetwork train(TrainerOptions o, String lrText, long seed) {
        double lr = Double.parseDouble(lrText);
        int hidden = o.intValue("hidden", 64);
        int batch = o.intValue("batch", 32);
        int shuffledFirst = o.intValue("shuffledFirst", 0);
        IUpdater updater;
        switch (o.string("updater", "adam").toLowerCase(Locale.ROOT)) {
            case "adam":
                updater = new Adam(lr);
                break;
            case "sgd":
                updater = new Sgd(lr);
                break;
            default:
                throw o.usage("unknown --updater " + o.string("updater", ""));
        }
        Nd4j.getRandom().setSeed(seed);

        float[][] rows = load();
        int[] labels = new int[rows.length];
        float[][] x = new float[rows.length][FEATURES];
        for (int i = 0; i < rows.length; i++) {
            for (int k = 0; k < FEATURES; k++) {
                x[i][k] = rows[i][k] / 16f;
            }
            labels[i] = (int) rows[i][FEATURES];
        }
        int[] order = shuffled(rows.length, new Random(seed));
        int trainSize = rows.length - TEST;
        int[] train = java.util.Arrays.copyOfRange(order, 0, trainSize);
        int[] test = java.util.Arrays.copyOfRange(order, trainSize, rows.length);
        INDArray trainX = features(x, train, 0, train.length);
        INDArray testX = features(x, test, 0, test.length);
        int[] testY = pick(labels, test);

        int[] trainY = pick(labels, train);
        INDArray[][] data = minibatches(x, train, trainY, batch);
        // Loss of plasticity (docs/revival.md): a first task with the training labels shuffled among the images
        // (same class frequencies, nothing to generalise), then the real task.
        int[] shuffledY = pick(trainY, shuffled(trainSize, new Random(seed + 1)));
        INDArray[][] shuffledData = shuffledFirst > 0 ? minibatches(x, train, shuffledY, batch) : null;
        int batches = data.length;

        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(updater)
                .weightInit(WeightInit.RELU)
                .list()
                .layer(new DenseLayer.Builder().name("hidden0").nIn(FEATURES).nOut(hidden)
                        .activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().name("hidden1").nIn(hidden).nOut(hidden)
                        .activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).name("output").nIn(hidden).nOut(CLASSES)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();

        System.out.printf(Locale.ROOT, "DigitsTrainer: 64-%d-%d-10, %s lr %s, seed %d, batch %d, %d train / %d test"
                + " images%n", hidden, hidden, o.string("updater", "adam"), lr, seed, batch, trainSize, test.length);
        long start = System.nanoTime();
        String atSwitch = "";
        for (int i = 0; i < o.iterations; i++) {
            if (i == shuffledFirst && shuffledFirst > 0) {
                // inference only: no parameter, updater or RNG state changes
                atSwitch = " deadAtSwitch=" + deadUnits(net, trainX, hidden)[2];
            }
            INDArray[] mb = i < shuffledFirst ? shuffledData[i % batches] : data[i % batches];
            net.fit(mb[0], mb[1]);
        }
        System.out.printf(Locale.ROOT, "DigitsTrainer: trained %d minibatches in %.1f s, final score %.5f%n",
                o.iterations, (System.nanoTime() - start) / 1e9, net.score());
        // Measured before TRAINING_DONE (and before --hold), so a test can read them at once.
        report(net, trainX, trainY, testX, testY, hidden, atSwitch + " lr=" + lrText + " seed=" + seed);
        return net;
    }

    /** Dead units on the training set and test accuracy, measured with plain DL4J. */
    static void report(MultiLayerNetwork net, INDArray trainX, int[] trainY, INDArray testX, int[] testY, int hidden,
                       String extra) {
        int[] dead = deadUnits(net, trainX, hidden);
        double accuracy = accuracy(net, testX, testY);
        double trainAccuracy = accuracy(net, trainX, trainY);
        System.out.printf(Locale.ROOT, "DigitsTrainer: dead units hidden0 %d/%d, hidden1 %d/%d; test accuracy %.4f%n",
                dead[0], hidden, dead[1], hidden, accuracy);
        System.out.printf(Locale.ROOT, "RESULT dead=%d units=%d accuracy=%.4f hidden0=%d hidden1=%d"
                        + " trainAccuracy=%.4f%s%n", dead[2], 2 * hidden, accuracy, dead[0], dead[1], trainAccuracy, extra);
        System.out.flush();
    }

    /** Units of hidden0 and hidden1 whose ReLU output is 0 on every training image, and their sum. */
    static int[] deadUnits(MultiLayerNetwork net, INDArray trainX, int hidden) {
        List<INDArray> activations = net.feedForward(trainX, false);
        int[] dead = new int[3];
        for (int l = 0; l < 2; l++) {
            INDArray a = activations.get(l + 1);
            for (int u = 0; u < hidden; u++) {
                if (a.getColumn(u).amaxNumber().doubleValue() == 0) {
                    dead[l]++;
                }
            }
        }
        dead[2] = dead[0] + dead[1];
        return dead;
    }

    static double accuracy(MultiLayerNetwork net, INDArray x, int[] y) {
        INDArray out = net.output(x, false);
        int correct = 0;
        for (int i = 0; i < y.length; i++) {
            if (out.getRow(i).argMax().getInt(0) == y[i]) {
                correct++;
            }
        }
        return (double) correct / y.length;
    }

    static INDArray[][] minibatches(float[][] x, int[] train, int[] trainY, int batch) {
        int batches = (train.length + batch - 1) / batch;
        INDArray[][] data = new INDArray[batches][];
        for (int b = 0; b < batches; b++) {
            int from = b * batch;
            int to = Math.min(train.length, from + batch);
            data[b] = new INDArray[] {features(x, train, from, to),
                    Fixtures.oneHot(java.util.Arrays.copyOfRange(trainY, from, to), CLASSES)};
        }
        return data;
    }

    static float[][] load() {
        List<float[]> rows = new ArrayList<>();
        try (InputStream raw = DigitsTrainer.class.getResourceAsStream(RESOURCE)) {
            if (raw == null) {
                throw new IllegalStateException("resource " + RESOURCE + " not on the class path");
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw),
                    StandardCharsets.US_ASCII));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.split(",");
                float[] row = new float[cells.length];
                for (int k = 0; k < cells.length; k++) {
                    row[k] = Float.parseFloat(cells[k]);
                }
                rows.add(row);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows.toArray(new float[0][]);
    }

    static int[] shuffled(int n, Random rnd) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    static INDArray features(float[][] x, int[] index, int from, int to) {
        float[] flat = new float[(to - from) * FEATURES];
        for (int i = from; i < to; i++) {
            System.arraycopy(x[index[i]], 0, flat, (i - from) * FEATURES, FEATURES);
        }
        return Nd4j.create(flat, new long[] {to - from, FEATURES}, 'c');
    }

    static int[] pick(int[] labels, int[] index) {
        int[] out = new int[index.length];
        for (int i = 0; i < index.length; i++) {
            out[i] = labels[index[i]];
        }
        return out;
    }
}
