package io.deadunit.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * What a notebook or a model server does with models: trains a first MLP ("first-*" layers), drops it, then trains
 * a second one ("second-*"). After the first model is trained it prints {@code FIRST_TRAINED} and waits for a line
 * {@code drop} on stdin; then it drops the model and prints {@code MODEL_COLLECTED true|false} and
 * {@code LAYER_COLLECTED true|false} (whether the weak references to the model and to one of its layers cleared
 * within 30 s of asking for collections), then trains the second model as usual ({@code TRAINING_DONE},
 * {@code --hold}).
 */
public final class DropModelTrainer {
    private static final int GC_SECONDS = 30;

    private DropModelTrainer() {
    }

    public static void main(String[] args) throws Exception {
        TrainerOptions o = TrainerOptions.parse("DropModelTrainer", args, 20, -1);
        o.seedNd4j();
        INDArray[][] data = Fixtures.denseBatches(o.seed, 4, 32, 20, 4, 0.3);
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));

        WeakReference<?>[] first = trainAndDrop(build("first", o.seed), data, o.iterations);
        System.out.println("FIRST_TRAINED");
        System.out.flush();
        if (!"drop".equals(readLine(stdin))) {
            throw new IllegalStateException("expected the line 'drop'");
        }
        long deadline = System.nanoTime() + GC_SECONDS * 1_000_000_000L;
        while ((first[0].get() != null || first[1].get() != null) && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(100);
        }
        System.out.println("MODEL_COLLECTED " + (first[0].get() == null));
        System.out.println("LAYER_COLLECTED " + (first[1].get() == null));

        MultiLayerNetwork second = build("second", o.seed + 1);
        o.train(second, i -> second.fit(data[i % data.length][0], data[i % data.length][1]));
    }

    /** Trains a model in a frame of its own, so that nothing on this thread's stack keeps it. */
    private static WeakReference<?>[] trainAndDrop(MultiLayerNetwork model, INDArray[][] data, long iterations) {
        for (int i = 0; i < iterations; i++) {
            model.fit(data[i % data.length][0], data[i % data.length][1]);
        }
        Layer layer = model.getLayer("first-hidden");
        return new WeakReference<?>[] {new WeakReference<>(model), new WeakReference<>(layer)};
    }

    private static MultiLayerNetwork build(String prefix, long seed) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new DenseLayer.Builder().name(prefix + "-hidden").nIn(20).nOut(16)
                        .activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunction.MCXENT).name(prefix + "-output").nIn(16).nOut(4)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static String readLine(BufferedReader in) {
        try {
            return in.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
