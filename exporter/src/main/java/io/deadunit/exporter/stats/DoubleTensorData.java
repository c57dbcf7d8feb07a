package io.deadunit.exporter.stats;

import java.nio.DoubleBuffer;

/** A zero-copy view of a double buffer; indices are absolute positions in the buffer. */
public final class DoubleTensorData implements TensorData {
    private final DoubleBuffer buffer;

    /** @param buffer read through a private duplicate: its position is never touched */
    public DoubleTensorData(DoubleBuffer buffer) {
        this.buffer = buffer.duplicate();
    }

    @Override
    public double get(long index) {
        return buffer.get((int) index);
    }

    /** Copies {@code n} contiguous elements from {@code start} into {@code dst[from..from+n)}: one bulk copy. */
    public void copy(long start, double[] dst, int from, int n) {
        buffer.position((int) start);
        buffer.get(dst, from, n);
    }

    @Override
    public void read(long start, int n, long stride, double[] dst) {
        if (stride != 1) {
            TensorData.super.read(start, n, stride, dst);
            return;
        }
        buffer.position((int) start);
        buffer.get(dst, 0, n);
    }
}
