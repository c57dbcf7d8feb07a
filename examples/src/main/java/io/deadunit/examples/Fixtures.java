package io.deadunit.examples;

import java.util.Random;

import org.deeplearning4j.nn.api.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;

/** Helpers shared by the example trainers: seeded synthetic data, updaters, constructions with a known answer. */
final class Fixtures {

    /** Bias that kills a ReLU unit whatever its (bounded) input. */
    static final double DEAD_BIAS = -1e4;

    private Fixtures() {
    }

    static final String UPDATER_HELP = "adam|sgd|none|noop (none = SGD with learning rate 0: parameters never change;"
            + " noop = DL4J's NoOp, which applies the raw gradient, i.e. SGD with learning rate 1; default adam)";

    /**
     * The updater named by --updater. Beware: DL4J's {@link NoOp} does not freeze the parameters; it leaves the
     * gradient untransformed and the step function still subtracts it (plain SGD, learning rate 1). Frozen
     * parameters are {@code new Sgd(0.0)}: the update is exactly 0, so params - 0 keeps every bit.
     */
    static IUpdater updater(TrainerOptions o, double lr) {
        String u = o.string("updater", "adam").toLowerCase();
        switch (u) {
            case "adam":
                return new Adam(lr);
            case "sgd":
                return new Sgd(lr * 10);
            case "none":
                return new Sgd(0.0);
            case "noop":
                return new NoOp();
            default:
                throw o.usage("unknown --updater " + u);
        }
    }

    /** Sets {@code param[start + j] = value} for j in [0, count) on a layer parameter (a view of the model's). */
    static void setParam(Layer layer, String key, int start, int count, double value) {
        INDArray p = layer.getParam(key);
        if (p == null) {
            throw new IllegalStateException("no parameter " + key + " in " + layer.paramTable().keySet());
        }
        for (int j = 0; j < count; j++) {
            p.putScalar(start + j, value);
        }
    }

    /** Class prototypes in [0,1]. */
    static float[][] prototypes(Random rnd, int classes, int dim) {
        float[][] p = new float[classes][dim];
        for (float[] row : p) {
            for (int k = 0; k < dim; k++) {
                row[k] = rnd.nextFloat();
            }
        }
        return p;
    }

    static float clamp01(double v) {
        return (float) Math.max(0, Math.min(1, v));
    }

    /**
     * Dense classification minibatches: {features [batch, dim] in [0,1], one-hot labels [batch, classes]}, each
     * sample a class prototype plus Gaussian noise, clamped to [0,1].
     */
    static INDArray[][] denseBatches(long seed, int count, int batch, int dim, int classes, double noise) {
        Random rnd = new Random(seed);
        float[][] protos = prototypes(rnd, classes, dim);
        INDArray[][] out = new INDArray[count][];
        for (int b = 0; b < count; b++) {
            float[] x = new float[batch * dim];
            float[] y = new float[batch * classes];
            for (int i = 0; i < batch; i++) {
                int c = rnd.nextInt(classes);
                y[i * classes + c] = 1f;
                for (int k = 0; k < dim; k++) {
                    x[i * dim + k] = clamp01(protos[c][k] + noise * rnd.nextGaussian());
                }
            }
            out[b] = new INDArray[] {Nd4j.create(x, new long[] {batch, dim}, 'c'),
                    Nd4j.create(y, new long[] {batch, classes}, 'c')};
        }
        return out;
    }

    /** Integer class labels as one-hot rows. */
    static INDArray oneHot(int[] labels, int classes) {
        float[] y = new float[labels.length * classes];
        for (int i = 0; i < labels.length; i++) {
            y[i * classes + labels[i]] = 1f;
        }
        return Nd4j.create(y, new long[] {labels.length, classes}, 'c');
    }
}
