package io.deadunit.exporter.stats;

import java.nio.FloatBuffer;

/** A zero-copy view of a float buffer; indices are absolute positions in the buffer. */
public final class FloatTensorData implements TensorData {
    private final FloatBuffer buffer;
    private float[] run = new float[0];

    /** @param buffer read through a private duplicate: its position is never touched */
    public FloatTensorData(FloatBuffer buffer) {
        this.buffer = buffer.duplicate();
    }

    @Override
    public double get(long index) {
        return buffer.get((int) index);
    }

    /** Copies {@code n} contiguous elements from {@code start} into {@code dst[from..from+n)}: one bulk copy. */
    public void copy(long start, float[] dst, int from, int n) {
        buffer.position((int) start);
        buffer.get(dst, from, n);
    }

    /**
     * The index (from 0) of the first of {@code n} elements from {@code start} that differs from
     * {@code other[from..from+n)}, or -1 when none does; compared in place (no copy, vectorised by the JDK) as
     * {@link FloatBuffer#mismatch} compares: by value, every NaN alike and -0 equal to +0. An index found is a
     * difference of bit patterns too; -1 is not bitwise equality (±0).
     */
    public int mismatch(long start, float[] other, int from, int n) {
        try {
            buffer.limit((int) start + n);
            buffer.position((int) start);
            return buffer.mismatch(FloatBuffer.wrap(other, from, n));
        } finally {
            buffer.limit(buffer.capacity());
        }
    }

    @Override
    public void read(long start, int n, long stride, double[] dst) {
        if (stride != 1) {
            TensorData.super.read(start, n, stride, dst);
            return;
        }
        if (run.length < n) {
            run = new float[n];
        }
        float[] values = run;
        buffer.position((int) start);
        buffer.get(values, 0, n);
        for (int i = 0; i < n; i++) {
            dst[i] = values[i];
        }
    }
}
