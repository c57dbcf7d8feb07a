package io.deadunit.agent.dl4j;

import org.deeplearning4j.nn.api.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The per-example time-step mask of a variable-length sequence batch, as DL4J sets it on a layer during fit, copied
 * to a Java array so that padding steps are not taken for a dead unit's silence.
 */
final class SequenceMasks {
    private SequenceMasks() {
    }

    /** {@code mask[b * steps + t]}, or null when the tensor is not a masked sequence batch. */
    static float[] of(Layer layer, INDArray tensor, int timeAxis) {
        if (tensor.rank() != 3) {
            return null;
        }
        INDArray mask = layer.getMaskArray();
        if (mask == null || mask.rank() != 2) {
            return null;
        }
        long batch = tensor.size(0);
        long steps = tensor.size(timeAxis);
        if (mask.size(0) != batch || mask.size(1) != steps) {
            return null;
        }
        float[] copy = new float[Math.toIntExact(batch * steps)];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                copy[(int) (b * steps + t)] = mask.getFloat(b, t);
            }
        }
        return copy;
    }
}
