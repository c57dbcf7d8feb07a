package io.deadunit.exporter.stats;

import java.nio.DoubleBuffer;

/** A zero-copy view of a double buffer; indices are absolute positions in the buffer. */
public final class DoubleTensorData implements TensorData {
    private final DoubleBuffer buffer;

    public DoubleTensorData(DoubleBuffer buffer) {
        this.buffer = buffer;
    }

    @Override
    public double get(long index) {
        return buffer.get((int) index);
    }
}
