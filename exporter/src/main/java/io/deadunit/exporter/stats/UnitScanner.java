package io.deadunit.exporter.stats;

/**
 * Walks a strided tensor once, in memory order, and feeds its elements to a {@link UnitAccumulator} grouped by
 * unit. Works for any layout (views, 'c', 'f', or neither): the axis with the smallest stride is walked innermost,
 * the others by an odometer, so each element is read exactly once and the buffer is read as sequentially as the
 * layout allows.
 */
public final class UnitScanner {
    private UnitScanner() {
    }

    /**
     * @param data     the tensor's buffer
     * @param offset   absolute index of element (0, 0, ...)
     * @param shape    the tensor's shape
     * @param stride   the tensor's strides, in elements
     * @param unitAxis the axis that indexes units (1 for [batch, units, ...], rank-1 for channels-last)
     */
    public static void scan(TensorData data, long offset, long[] shape, long[] stride, int unitAxis,
                            UnitAccumulator accumulator) {
        int rank = shape.length;
        if (rank < 2 || unitAxis < 0 || unitAxis >= rank) {
            throw new IllegalArgumentException("unit axis " + unitAxis + " of a rank " + rank + " tensor");
        }
        long elements = 1;
        for (long dim : shape) {
            elements *= dim;
        }
        if (elements == 0) {
            return;
        }
        int units = Math.toIntExact(shape[unitAxis]);
        accumulator.beginTensor(units, elements / units);

        int inner = innermostAxis(shape, stride);
        int innerLength = Math.toIntExact(shape[inner]);
        long innerStride = stride[inner];

        int[] outerAxes = outerAxesByStride(stride, inner);
        long[] counters = new long[rank - 1];
        long start = offset;
        int unit = 0;
        while (true) {
            if (inner == unitAxis) {
                accumulator.addRunAcrossUnits(data, start, innerLength, innerStride);
            } else {
                accumulator.addRunOfOneUnit(data, start, innerLength, innerStride, unit);
            }
            int k = outerAxes.length - 1;
            while (k >= 0) {
                int axis = outerAxes[k];
                counters[k]++;
                start += stride[axis];
                if (axis == unitAxis) {
                    unit++;
                }
                if (counters[k] < shape[axis]) {
                    break;
                }
                start -= stride[axis] * shape[axis];
                if (axis == unitAxis) {
                    unit = 0;
                }
                counters[k] = 0;
                k--;
            }
            if (k < 0) {
                return;
            }
        }
    }

    /**
     * Like {@link #scan} for a rank-3 sequence tensor with a mask: time steps whose mask is 0 (padding of a
     * variable-length sequence) are skipped, so they are no evidence of a dead unit.
     *
     * @param timeAxis the time axis (2 for NCW, 1 for NWC); the batch axis is 0
     * @param mask     {@code mask[b * steps + t]}, non-zero where step t of example b is real
     */
    public static void scanMasked(TensorData data, long offset, long[] shape, long[] stride, int unitAxis,
                                  int timeAxis, float[] mask, UnitAccumulator accumulator) {
        if (shape.length != 3 || unitAxis == 0 || timeAxis == 0 || unitAxis == timeAxis) {
            throw new IllegalArgumentException("a masked scan needs a [batch, units, time] layout");
        }
        int batch = Math.toIntExact(shape[0]);
        int units = Math.toIntExact(shape[unitAxis]);
        int steps = Math.toIntExact(shape[timeAxis]);
        if (mask.length != (long) batch * steps) {
            throw new IllegalArgumentException("mask of " + mask.length + " for " + batch + "x" + steps + " steps");
        }
        long realSteps = 0;
        for (float m : mask) {
            if (m != 0) {
                realSteps++;
            }
        }
        if (units == 0 || realSteps == 0) {
            return;
        }
        accumulator.beginTensor(units, realSteps);
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                if (mask[b * steps + t] != 0) {
                    long start = offset + b * stride[0] + t * stride[timeAxis];
                    accumulator.addRunAcrossUnits(data, start, units, stride[unitAxis]);
                }
            }
        }
    }

    /** Every axis but the innermost, largest stride first, so the odometer's fastest axis is the next closest. */
    private static int[] outerAxesByStride(long[] stride, int inner) {
        int[] axes = new int[stride.length - 1];
        int n = 0;
        for (int axis = 0; axis < stride.length; axis++) {
            if (axis == inner) {
                continue;
            }
            int k = n++;
            while (k > 0 && Math.abs(stride[axes[k - 1]]) < Math.abs(stride[axis])) {
                axes[k] = axes[k - 1];
                k--;
            }
            axes[k] = axis;
        }
        return axes;
    }

    /** The axis with the smallest non-trivial stride; size-1 axes are never innermost unless all are. */
    private static int innermostAxis(long[] shape, long[] stride) {
        int best = shape.length - 1;
        long bestStride = Long.MAX_VALUE;
        for (int axis = 0; axis < shape.length; axis++) {
            long s = Math.abs(stride[axis]);
            if (shape[axis] > 1 && s < bestStride) {
                best = axis;
                bestStride = s;
            }
        }
        return best;
    }
}
