package io.deadunit.exporter.stats;

/**
 * Walks a strided tensor once, in memory order, and feeds its elements to a {@link UnitAccumulator} grouped by
 * unit. Works for any layout (views, 'c', 'f', or neither). The layout is first collapsed ({@link Layout}: size-1
 * axes dropped, contiguous neighbours merged, so an NCHW activation is runs of H·W per batch and channel). Float
 * tensors whose innermost collapsed axis is contiguous take {@link FloatScan}'s vectorised path; everything else
 * (doubles, strided innermost axes, negative strides, and any float tensor holding a NaN or an infinity) takes the
 * exact double path below: the smallest stride innermost, an odometer over the others, each element read once.
 */
public final class UnitScanner {
    /** Longest run handed to the double path at once (it copies each run into a double array). */
    private static final int RUN_CHUNK = 4096;

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
        Layout layout = Layout.of(shape, stride, unitAxis);
        if (data instanceof FloatTensorData
                && FloatScan.scan((FloatTensorData) data, offset, layout, units, elements, accumulator)) {
            return;
        }
        scanExactly(data, offset, layout, accumulator);
    }

    /** The double path: one run of the innermost collapsed axis at a time, widened to doubles. */
    static void scanExactly(TensorData data, long offset, Layout layout, UnitAccumulator accumulator) {
        int inner = layout.inner();
        int innerLength = Math.toIntExact(layout.size[inner]);
        long innerStride = layout.stride[inner];
        boolean acrossUnits = layout.unitDim == inner;
        Odometer runs = new Odometer(layout, inner, offset);
        while (true) {
            long start = runs.start();
            int unit = runs.unit();
            if (acrossUnits) {
                accumulator.addRunAcrossUnits(data, start, innerLength, innerStride);
            } else {
                for (int from = 0; from < innerLength; from += RUN_CHUNK) {
                    accumulator.addRunOfOneUnit(data, start + from * innerStride,
                            Math.min(RUN_CHUNK, innerLength - from), innerStride, unit);
                }
            }
            if (!runs.next()) {
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
        if (data instanceof FloatTensorData && FloatScan.scanMasked((FloatTensorData) data, offset, stride, unitAxis,
                timeAxis, batch, steps, mask, units, realSteps * units, accumulator)) {
            return;
        }
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < steps; t++) {
                if (mask[b * steps + t] != 0) {
                    long start = offset + b * stride[0] + t * stride[timeAxis];
                    accumulator.addRunAcrossUnits(data, start, units, stride[unitAxis]);
                }
            }
        }
    }
}
