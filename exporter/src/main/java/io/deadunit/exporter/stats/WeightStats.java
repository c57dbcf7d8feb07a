package io.deadunit.exporter.stats;

/**
 * Single-pass helpers over a layer's weight tensors, read in place like activations: absolute element indices into
 * a buffer, plus shape and strides. Weight views in DL4J are compact (their elements fill one contiguous range of
 * the model's parameter buffer, in 'c' or 'f' order); {@link #compactLength} tells whether a tensor is.
 */
public final class WeightStats {
    private WeightStats() {
    }

    /**
     * The number of elements when the tensor is compact (no gaps and no overlap: sorted by stride, each stride is
     * the product of the smaller axes' sizes), so that they occupy exactly {@code [offset, offset + length)};
     * otherwise -1.
     */
    public static long compactLength(long[] shape, long[] stride) {
        if (shape.length != stride.length) {
            return -1;
        }
        int rank = shape.length;
        boolean[] used = new boolean[rank];
        long expected = 1;
        for (int k = 0; k < rank; k++) {
            // the not yet used axis with the smallest stride, skipping axes of size 1 (their stride is irrelevant)
            int best = -1;
            for (int a = 0; a < rank; a++) {
                if (!used[a] && shape[a] != 1 && (best < 0 || stride[a] < stride[best])) {
                    best = a;
                }
            }
            if (best < 0) {
                break;
            }
            used[best] = true;
            if (shape[best] == 0) {
                return 0;
            }
            if (stride[best] != expected) {
                return -1;
            }
            expected *= shape[best];
        }
        return expected;
    }

    /**
     * Elements read at a time: contiguous, so that a sampled pass reads whole cache lines; short, so that the blocks
     * of a sampled pass touch many units' weights.
     */
    static final int BLOCK = 64;

    /**
     * Adds one optimizer step of one weight tensor to {@code sums}: {@code sums[0] += Σ u²} (the step's size) and
     * {@code sums[1] += Σ (w + u)²} (the weights before the step), where {@code w} are the weights after the step and
     * {@code u} the update the step subtracted from them ({@code w_after = w_before - u}). Both tensors are compact
     * with the same layout, {@code length} elements from their offsets.
     */
    public static void addStep(TensorData weights, long weightOffset, TensorData update, long updateOffset,
                               long length, double[] sums) {
        addStep(weights, weightOffset, update, updateOffset, length, Long.MAX_VALUE, sums);
    }

    /**
     * {@link #addStep(TensorData, long, TensorData, long, long, double[])} over at most about {@code maxElements}
     * elements: blocks of {@value #BLOCK} contiguous elements spread evenly over the tensor, both sums scaled up to
     * the whole tensor. An estimate at a fraction of the cost; their ratio is what matters, so the scaling only
     * keeps sums of several tensors comparable.
     */
    public static void addStep(TensorData weights, long weightOffset, TensorData update, long updateOffset,
                               long length, long maxElements, double[] sums) {
        long blocks = (length + BLOCK - 1) / BLOCK;
        long readBlocks = Math.max(1, Math.min(blocks, maxElements / BLOCK));
        // Float tensors are read with bulk float copies, then widened: a quarter of the cost of widening reads.
        float[] scratch = weights instanceof FloatTensorData && update instanceof FloatTensorData
                ? new float[BLOCK] : null;
        double[] w = new double[BLOCK];
        double[] u = new double[BLOCK];
        double steps = 0;
        double before = 0;
        long read = 0;
        for (long k = 0; k < readBlocks; k++) {
            long start = k * blocks / readBlocks * BLOCK;
            int n = (int) Math.min(BLOCK, length - start);
            readBlock(update, updateOffset + start, n, u, scratch);
            readBlock(weights, weightOffset + start, n, w, scratch);
            for (int i = 0; i < n; i++) {
                double step = u[i];
                double previous = w[i] + step;
                steps += step * step;
                before += previous * previous;
            }
            read += n;
        }
        double scale = read == 0 ? 0 : (double) length / read;
        sums[0] += steps * scale;
        sums[1] += before * scale;
    }

    /** {@code n} elements from {@code offset} into {@code out}; through {@code scratch} in bulk when it is given. */
    private static void readBlock(TensorData data, long offset, int n, double[] out, float[] scratch) {
        if (scratch == null) {
            data.read(offset, n, 1, out);
            return;
        }
        ((FloatTensorData) data).copy(offset, scratch, 0, n);
        for (int i = 0; i < n; i++) {
            out[i] = scratch[i];
        }
    }

    /**
     * ‖Δw‖ / ‖w‖ from the sums of {@link #addStep}; NaN when nothing was added, +∞ for all-zero weights that moved.
     */
    public static double updateRatio(double[] sums) {
        if (sums[1] == 0) {
            return sums[0] == 0 ? Double.NaN : Double.POSITIVE_INFINITY;
        }
        return Math.sqrt(sums[0] / sums[1]);
    }
}
