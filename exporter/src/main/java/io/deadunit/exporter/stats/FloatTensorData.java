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

    /** Elements in the buffer. */
    public long capacity() {
        return buffer.capacity();
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
