package io.deadunit.exporter.stats;

import java.nio.FloatBuffer;

/** A zero-copy view of a float buffer; indices are absolute positions in the buffer. */
public final class FloatTensorData implements TensorData {
    private final FloatBuffer buffer;

    public FloatTensorData(FloatBuffer buffer) {
        this.buffer = buffer;
    }

    @Override
    public double get(long index) {
        return buffer.get((int) index);
    }
}
