package io.deadunit.exporter.stats;

import java.util.Arrays;

/**
 * Finds the units whose incoming weights did not change at all over a window: a copy of one compact weight tensor
 * is taken when the window starts ({@link #begin}) and compared bit for bit when it ends ({@link #stagnantUnits}).
 * A unit is an index along one axis of the tensor (dense {@code W [nIn, nOut]}: axis 1, unit j = column j;
 * convolution {@code W [nOut, nIn, kH, kW]}: axis 0).
 *
 * <p>Float weights are copied to a {@code float[]}, anything else to a {@code double[]}, so the comparison is exact.
 * Not thread-safe: owned by the layer's training thread.
 */
public final class WeightTracker {
    private float[] floats;
    private double[] doubles;
    private long length = -1;
    private float[] floatScratch;
    /** Floats compared per bulk copy (at least one unit's): 64 KiB, kept per layer. */
    private static final int CHUNK_FLOATS = 16_384;
    private double[] doubleScratch;

    /**
     * Copies {@code length} elements from {@code offset}: the weights at the start of a window. False, with no copy
     * kept (stagnant units unknown for the window), when a new copy would take more than half of the heap still
     * free: the agent's buffer must not be the allocation that runs the trainer out of heap.
     */
    public boolean begin(TensorData data, long offset, long length) {
        if (length < 0 || length > Integer.MAX_VALUE) {
            clear();
            return true;
        }
        int n = (int) length;
        boolean floating = data instanceof FloatTensorData;
        boolean allocates = floating ? floats == null || floats.length != n : doubles == null || doubles.length != n;
        if (allocates && !Headroom.fits((long) n * (floating ? Float.BYTES : Double.BYTES))) {
            clear();
            return false;
        }
        if (floating) {
            doubles = null;
            if (floats == null || floats.length != n) {
                floats = new float[n];
            }
            ((FloatTensorData) data).copy(offset, floats, 0, n);
        } else {
            floats = null;
            if (doubles == null || doubles.length != n) {
                doubles = new double[n];
            }
            if (data instanceof DoubleTensorData) {
                ((DoubleTensorData) data).copy(offset, doubles, 0, n);
            } else {
                for (int i = 0; i < n; i++) {
                    doubles[i] = data.get(offset + i);
                }
            }
        }
        this.length = length;
        return true;
    }

    /** Forgets the copy: the next {@link #stagnantUnits} reports -1. */
    public void clear() {
        floats = null;
        doubles = null;
        floatScratch = null;
        doubleScratch = null;
        length = -1;
    }

    public boolean hasCopy() {
        return length >= 0;
    }

    /**
     * Units none of whose weights differ from the copy (bitwise; NaN never equals itself, so it counts as change),
     * or -1 when there is no copy or the tensor's size changed since.
     *
     * @param shape    and {@code stride}: the compact layout of the tensor, the same as at {@link #begin}
     * @param unitAxis the axis that indexes units
     */
    public int stagnantUnits(TensorData data, long offset, long[] shape, long[] stride, int unitAxis) {
        long n = WeightStats.compactLength(shape, stride);
        if (!hasCopy() || n != length || unitAxis < 0 || unitAxis >= shape.length || shape[unitAxis] <= 0) {
            return -1;
        }
        int units = (int) shape[unitAxis];
        long unitStride = stride[unitAxis];
        boolean[] changed = new boolean[units];
        if (units == 1 || unitStride * units == n) {
            // units outermost (dense 'f' W [nIn, nOut], convolution 'c' W [nOut, ...]): one contiguous block per
            // unit, and a unit's comparison stops at its first change.
            int block = (int) (n / units);
            if (floats != null && data instanceof FloatTensorData) {
                floatUnitsChanged((FloatTensorData) data, offset, units, block, changed);
            } else {
                for (int u = 0; u < units; u++) {
                    changed[u] = blockChanged(data, offset, u * block, block);
                }
            }
        } else {
            for (long i = 0; i < n; i++) {
                int u = (int) ((i / unitStride) % units);
                if (!changed[u] && differs(data, offset, i)) {
                    changed[u] = true;
                }
            }
        }
        int stagnant = 0;
        for (boolean c : changed) {
            if (!c) {
                stagnant++;
            }
        }
        return stagnant;
    }

    /**
     * Float weights, one contiguous block per unit: copied in chunks of whole units (one bulk copy each) and compared
     * bit for bit on plain arrays, each unit up to its first change. This runs once per window, mostly interpreted
     * or in a loop the JIT compiles on the spot: a few calls per chunk rather than a chain of buffer calls per unit
     * (a unit whose first inputs never fire, so never change, is compared past them in the same loop).
     */
    private void floatUnitsChanged(FloatTensorData data, long offset, int units, int block, boolean[] changed) {
        int perChunk = Math.max(1, Math.min(units, CHUNK_FLOATS / Math.max(1, block)));
        int chunk = perChunk * block;
        if (floatScratch == null || floatScratch.length < chunk) {
            floatScratch = new float[chunk];
        }
        float[] now = floatScratch;
        float[] start = floats;
        for (int first = 0; first < units; first += perChunk) {
            int count = Math.min(perChunk, units - first);
            data.copy(offset + (long) first * block, now, 0, count * block);
            for (int k = 0; k < count; k++) {
                int from = k * block;
                int at = (first + k) * block;
                boolean differs = false;
                for (int i = 0; i < block; i++) {
                    float value = now[from + i];
                    if (Float.floatToRawIntBits(value) != Float.floatToRawIntBits(start[at + i]) || value != value) {
                        differs = true; // a NaN counts as change, as elsewhere
                        break;
                    }
                }
                changed[first + k] = differs;
            }
        }
    }

    /**
     * Whether any of {@code block} contiguous elements from {@code start} differs from the copy (bitwise, NaN
     * always a change), for double weights (and a float tensor read through another kind of buffer): bulk-copied
     * and compared with {@link Arrays#mismatch}, which the JDK vectorises; equal there but with a NaN present counts
     * as changed, as element-wise.
     */
    private boolean blockChanged(TensorData data, long offset, int start, int block) {
        if (doubles != null && data instanceof DoubleTensorData) {
            if (doubleScratch == null || doubleScratch.length < block) {
                doubleScratch = new double[block];
            }
            ((DoubleTensorData) data).copy(offset + start, doubleScratch, 0, block);
            if (Arrays.mismatch(doubleScratch, 0, block, doubles, start, start + block) >= 0) {
                return true;
            }
            for (int i = 0; i < block; i++) {
                if (doubleScratch[i] != doubleScratch[i]) {
                    return true;
                }
            }
            return false;
        }
        for (long i = start; i < (long) start + block; i++) {
            if (differs(data, offset, i)) {
                return true;
            }
        }
        return false;
    }

    private boolean differs(TensorData data, long offset, long i) {
        double now = data.get(offset + i);
        if (floats != null) {
            return Float.floatToRawIntBits((float) now) != Float.floatToRawIntBits(floats[(int) i])
                    || Double.isNaN(now);
        }
        return Double.doubleToRawLongBits(now) != Double.doubleToRawLongBits(doubles[(int) i]) || Double.isNaN(now);
    }
}
