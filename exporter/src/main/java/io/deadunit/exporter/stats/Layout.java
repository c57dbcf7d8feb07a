package io.deadunit.exporter.stats;

import java.util.Arrays;

/**
 * A tensor's layout reduced to as few axes as its memory allows: size-1 axes dropped, axes ordered from the largest
 * stride to the smallest, and neighbours merged when the outer one steps exactly over the inner one
 * ({@code stride[outer] == stride[inner] * size[inner]}). The unit axis is never merged (each of its indices is a
 * different unit) unless it has a single unit, when it is dropped like any other size-1 axis. So a 'c'-order NCHW
 * activation becomes [batch, channel, H*W], the channel-outermost layout DL4J produces during fit becomes
 * [channel, batch*H*W], and an NHWC one becomes [batch*H*W, channel].
 */
final class Layout {
    /** Sizes and strides, outermost (largest stride) first; never empty. */
    final long[] size;
    final long[] stride;
    /** Index in {@link #size} of the unit axis, or -1 when the tensor has one unit (every element is unit 0). */
    final int unitDim;

    private Layout(long[] size, long[] stride, int unitDim) {
        this.size = size;
        this.stride = stride;
        this.unitDim = unitDim;
    }

    static Layout of(long[] shape, long[] stride, int unitAxis) {
        int rank = shape.length;
        Integer[] axes = new Integer[rank];
        int n = 0;
        for (int axis = 0; axis < rank; axis++) {
            if (shape[axis] > 1) {
                axes[n++] = axis;
            }
        }
        if (n == 0) {
            return new Layout(new long[]{1}, new long[]{1}, -1);
        }
        Integer[] kept = Arrays.copyOf(axes, n);
        // Stable: equal strides (broadcast axes, stride 0) keep their order.
        Arrays.sort(kept, (a, b) -> Long.compare(Math.abs(stride[b]), Math.abs(stride[a])));
        long[] sizes = new long[n];
        long[] strides = new long[n];
        int unitDim = -1;
        int dims = 0;
        for (int k = n - 1; k >= 0; k--) {
            int axis = kept[k];
            boolean unit = axis == unitAxis;
            if (dims > 0 && !unit && unitDim != dims - 1 && stride[axis] == strides[dims - 1] * sizes[dims - 1]) {
                sizes[dims - 1] *= shape[axis];
                continue;
            }
            sizes[dims] = shape[axis];
            strides[dims] = stride[axis];
            if (unit) {
                unitDim = dims;
            }
            dims++;
        }
        // Built innermost first: reverse into outermost first.
        long[] outSize = new long[dims];
        long[] outStride = new long[dims];
        for (int k = 0; k < dims; k++) {
            outSize[k] = sizes[dims - 1 - k];
            outStride[k] = strides[dims - 1 - k];
        }
        return new Layout(outSize, outStride, unitDim < 0 ? -1 : dims - 1 - unitDim);
    }

    int dims() {
        return size.length;
    }

    int inner() {
        return size.length - 1;
    }

    /** Whether every stride is non-negative and the innermost is 1: the case the float fast path reads in blocks. */
    boolean innerContiguous() {
        for (long s : stride) {
            if (s < 0) {
                return false;
            }
        }
        return stride[inner()] == 1;
    }

    @Override
    public String toString() {
        return "size " + Arrays.toString(size) + " stride " + Arrays.toString(stride) + " unit dim " + unitDim;
    }
}
