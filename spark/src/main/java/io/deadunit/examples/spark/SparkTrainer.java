package io.deadunit.examples.spark;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * A plain DL4J job on Apache Spark: {@link SparkDl4jMultiLayer} with {@link ParameterAveragingTrainingMaster}
 * trains an MLP (20-16-12-4, ReLU hidden layers "hidden0" and "hidden1", softmax "output") on synthetic data.
 * Every averaging round, each Spark worker (one per partition) builds its own copy of the network from the
 * broadcast parameters, fits {@code --averagingFrequency} minibatches, and the driver averages the copies.
 *
 * <p>The cluster is whatever the Spark configuration says: {@code spark-submit --master ...}, or {@code spark.*}
 * system properties (SparkConf reads them), as the integration test does. Nothing here knows about monitoring.
 *
 * <p>Flags: {@code --workers N} partitions trained in parallel (2); {@code --epochs N} averaging rounds (3);
 * {@code --batchSize B} (16); {@code --averagingFrequency F} minibatches per worker per round (5);
 * {@code --deadUnits K} units of hidden1 whose bias is set so low that they never fire (0); {@code --rareUnits R}
 * units of hidden0 that fire so rarely that some workers never see them fire (0); {@code --seed S} (42);
 * {@code --params FILE} final parameters of the averaged model as little-endian float32; {@code --groundTruthDir
 * DIR} attach {@link DeadUnitsGroundTruth} to every worker copy (it writes its files in DIR); {@code --hold} after
 * training print {@code TRAINING_DONE} and keep the Spark context (and so the executors) up until stdin closes.
 */
public final class SparkTrainer {
    public static final String DONE_MARKER = "TRAINING_DONE";
    static final int INPUTS = 20;
    static final int CLASSES = 4;
    static final double DEAD_BIAS = -1e4;
    /** A unit with this bias fires for a fraction of a percent of the inputs: in a short window, maybe never. */
    static final double RARE_BIAS = -2.5;

    private SparkTrainer() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> o = parse(args);
        int workers = intOpt(o, "workers", 2);
        int epochs = intOpt(o, "epochs", 3);
        int batch = intOpt(o, "batchSize", 16);
        int frequency = intOpt(o, "averagingFrequency", 5);
        int dead = intOpt(o, "deadUnits", 0);
        int rare = intOpt(o, "rareUnits", 0);
        long seed = intOpt(o, "seed", 42);

        SparkConf conf = new SparkConf().setAppName("SparkTrainer");
        if (!conf.contains("spark.master")) {
            conf.setMaster("local[" + workers + "]");
        }
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            MultiLayerNetwork net = new MultiLayerNetwork(network(seed));
            net.init();
            INDArray b = net.getLayer("hidden1").getParam("b");
            for (int j = 0; j < dead; j++) {
                b.putScalar(j, DEAD_BIAS);
            }
            INDArray b0 = net.getLayer("hidden0").getParam("b");
            for (int j = 0; j < rare; j++) {
                b0.putScalar(j, RARE_BIAS);
            }

            // One DataSet object per minibatch, and exactly workers x frequency of them per round: each round is one
            // split, and each partition one worker's share (no repartitioning, no random split).
            JavaRDD<DataSet> data = sc.parallelize(batches(seed, workers * frequency, batch), workers);
            ParameterAveragingTrainingMaster master = new ParameterAveragingTrainingMaster.Builder(workers, batch)
                    .batchSizePerWorker(batch)
                    .averagingFrequency(frequency)
                    .workerPrefetchNumBatches(0)
                    .repartionData(Repartition.Never)
                    .rddTrainingApproach(RDDTrainingApproach.Direct)
                    .rngSeed(seed)
                    .build();
            SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(sc, net, master);
            if (o.containsKey("groundTruthDir")) {
                sparkNet.setListeners(new DeadUnitsGroundTruth(o.get("groundTruthDir")));
            }
            for (int epoch = 0; epoch < epochs; epoch++) {
                sparkNet.fit(data);
            }
            System.out.println("SparkTrainer: app " + sc.sc().applicationId() + ", " + epochs + " rounds of "
                    + workers + " workers x " + frequency + " minibatches of " + batch + ", score "
                    + sparkNet.getScore());
            if (o.containsKey("params")) {
                writeParams(sparkNet.getNetwork().params(), Paths.get(o.get("params")));
            }
            System.out.println(DONE_MARKER);
            System.out.flush();
            if (o.containsKey("hold")) {
                while (System.in.read() >= 0) {
                    // wait for stdin to close
                }
            }
        }
    }

    static MultiLayerConfiguration network(long seed) {
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(new Adam(1e-2))
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new DenseLayer.Builder().name("hidden0").nIn(INPUTS).nOut(16).activation(Activation.RELU)
                        .build())
                .layer(new DenseLayer.Builder().name("hidden1").nIn(16).nOut(12).activation(Activation.RELU)
                        .build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).name("output").nIn(12).nOut(CLASSES)
                        .activation(Activation.SOFTMAX).build())
                .build();
    }

    /** Gaussian features; the class is the largest of four fixed random projections. */
    static List<DataSet> batches(long seed, int count, int size) {
        Random r = new Random(seed);
        float[][] proj = new float[CLASSES][INPUTS];
        for (float[] row : proj) {
            for (int i = 0; i < INPUTS; i++) {
                row[i] = (float) r.nextGaussian();
            }
        }
        List<DataSet> out = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            float[][] x = new float[size][INPUTS];
            float[][] y = new float[size][CLASSES];
            for (int e = 0; e < size; e++) {
                for (int i = 0; i < INPUTS; i++) {
                    x[e][i] = (float) r.nextGaussian();
                }
                int best = 0;
                double bestScore = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < CLASSES; c++) {
                    double s = 0;
                    for (int i = 0; i < INPUTS; i++) {
                        s += proj[c][i] * x[e][i];
                    }
                    if (s > bestScore) {
                        bestScore = s;
                        best = c;
                    }
                }
                y[e][best] = 1f;
            }
            out.add(new DataSet(Nd4j.create(x), Nd4j.create(y)));
        }
        return out;
    }

    static void writeParams(INDArray params, Path file) throws IOException {
        float[] p = params.castTo(DataType.FLOAT).dup().data().asFloat();
        ByteBuffer buf = ByteBuffer.allocate(p.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(p);
        Files.write(file, buf.array());
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            String key = args[i].substring(2);
            if (key.equals("hold")) {
                o.put(key, "true");
            } else if (i + 1 < args.length) {
                o.put(key, args[++i]);
            } else {
                throw new IllegalArgumentException("--" + key + " needs a value");
            }
        }
        return o;
    }

    private static int intOpt(Map<String, String> o, String key, int dflt) {
        return o.containsKey(key) ? Integer.parseInt(o.get(key)) : dflt;
    }
}
