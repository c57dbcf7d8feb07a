package io.deadunit.exporter.monitor;

import io.deadunit.exporter.stats.LayerSnapshot;
import io.deadunit.exporter.stats.LayerWindow;
import io.deadunit.exporter.stats.TensorData;

/**
 * One layer of one model: receives its sampled tensors on the training thread and publishes a snapshot per window.
 * Holds no reference to the DL4J layer, so the layer can be collected.
 */
public final class LayerMonitor {
    private final ModelMonitor model;
    private final LayerDescriptor descriptor;
    private final LayerWindow window;
    private final MonitorListener listener;
    private volatile int units = -1;
    private volatile LayerSnapshot snapshot;

    LayerMonitor(ModelMonitor model, LayerDescriptor descriptor, MonitorListener listener) {
        this.model = model;
        this.descriptor = descriptor;
        this.window = new LayerWindow(descriptor.bounds());
        this.listener = listener;
    }

    public ModelMonitor model() {
        return model;
    }

    public LayerDescriptor descriptor() {
        return descriptor;
    }

    /** Whether the current training iteration (or inference pass) of this layer's model is one to observe. */
    public boolean isSampling(boolean training) {
        return model.isSampling(training);
    }

    /** The model's first layer marks the start of an inference pass. */
    public boolean isFirstOfModel() {
        return model.layers().get(0) == this;
    }

    public void onActivations(TensorData data, long offset, long[] shape, long[] stride) {
        onActivations(data, offset, shape, stride, null);
    }

    /** @param sequenceMask for rank-3 sequences, {@code [batch × steps]} with 0 at padding steps; or null */
    public void onActivations(TensorData data, long offset, long[] shape, long[] stride, float[] sequenceMask) {
        window.addActivations(data, offset, shape, stride, descriptor.unitAxis(shape.length), descriptor.timeAxis(),
                sequenceMask);
        int seen = window.units();
        if (seen != units) {
            boolean first = units < 0;
            units = seen;
            if (first) {
                listener.layerSeen(this);
            }
        }
    }

    public void onGradients(TensorData data, long offset, long[] shape, long[] stride) {
        onGradients(data, offset, shape, stride, null);
    }

    public void onGradients(TensorData data, long offset, long[] shape, long[] stride, float[] sequenceMask) {
        window.addGradients(data, offset, shape, stride, descriptor.unitAxis(shape.length), descriptor.timeAxis(),
                sequenceMask);
    }

    void closeWindow() {
        LayerSnapshot closed = window.close();
        if (closed != null) {
            snapshot = closed;
            listener.windowClosed(this, closed);
        }
    }

    /** Units of the layer, or -1 before its first forward pass was seen. */
    public int units() {
        return units;
    }

    /** The last closed window, or null before the first window closed. */
    public LayerSnapshot snapshot() {
        return snapshot;
    }

    /** The last closed window, or else the open one: for the exit summary of short runs. */
    public LayerSnapshot latest() {
        LayerSnapshot closed = snapshot;
        return closed != null ? closed : window.peek();
    }

    public long forwardNonFiniteTotal() {
        return window.forwardNonFiniteTotal();
    }

    public long backwardNonFiniteTotal() {
        return window.backwardNonFiniteTotal();
    }
}
