package io.deadunit.exporter.monitor;

import io.deadunit.exporter.stats.LayerSnapshot;
import io.deadunit.exporter.stats.LayerWindow;
import io.deadunit.exporter.stats.TensorData;
import io.deadunit.exporter.stats.WeightTracker;

import java.util.concurrent.atomic.LongAdder;

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
    private final WeightTracker weights = new WeightTracker();
    private final LongAdder revived = new LongAdder();
    private volatile LayerMonitor upstream;
    private volatile Diagnosis diagnosis;
    private double peakUpdateRatio = Double.NaN;

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

    /** @param sequenceMask as for {@link #onActivations}; or null */
    public void onGradients(TensorData data, long offset, long[] shape, long[] stride, float[] sequenceMask) {
        window.addGradients(data, offset, shape, stride, descriptor.unitAxis(shape.length), descriptor.timeAxis(),
                sequenceMask);
    }

    /** ‖ΔW‖/‖W‖ of the sampled optimizer step that just ended (weight evidence comes from the adapter). */
    public void onUpdateRatio(double ratio) {
        window.addUpdateRatio(ratio);
    }

    /** Units whose incoming weights did not change in the window about to close; -1 when unknown. */
    public void onStagnantUnits(int units) {
        window.setStagnantUnits(units);
    }

    public void onLearningRate(double learningRate) {
        window.setLearningRate(learningRate);
    }

    /** Each unit's bias at the end of the window about to close, or null. */
    public void onBiases(double[] biases) {
        window.setBiases(biases);
    }

    /** The copy of the weights taken at the start of the window, for stagnant units. */
    public WeightTracker weightTracker() {
        return weights;
    }

    /** Units whose weights were reinitialised (revive=true). */
    public void onRevived(int units) {
        revived.add(units);
    }

    public long revivedTotal() {
        return revived.sum();
    }

    /** The layer whose output feeds this one (for the upstream_dead rule), when there is exactly one. */
    public void setUpstream(LayerMonitor upstream) {
        this.upstream = upstream;
    }

    public LayerMonitor upstream() {
        return upstream;
    }

    /** The diagnosis of the last closed window, or null before the first. */
    public Diagnosis diagnosis() {
        return diagnosis;
    }

    /**
     * The highest update ratio of the windows since the layer was last healthy, that window and the last closed one
     * included: the evidence of the high_learning_rate rule. Updated at each window close, before diagnosis.
     */
    double peakUpdateRatio() {
        return peakUpdateRatio;
    }

    /** Stores the last window's diagnosis; true when the layer just crossed the threshold (log it). */
    boolean setDiagnosis(Diagnosis next) {
        Diagnosis previous = diagnosis;
        diagnosis = next;
        if (!next.diagnosed()) {
            // healthy: this window is where the next deaths may start
            peakUpdateRatio = snapshot == null ? Double.NaN : snapshot.updateRatio();
        }
        return next.diagnosed() && (previous == null || !previous.diagnosed());
    }

    /** Closes the window; true when it produced a snapshot. */
    boolean closeWindowAndReport() {
        LayerSnapshot closed = window.close();
        if (closed != null) {
            snapshot = closed;
            double ratio = closed.updateRatio();
            if (!Double.isNaN(ratio) && !(ratio <= peakUpdateRatio)) {
                peakUpdateRatio = ratio;
            }
            listener.windowClosed(this, closed);
            return true;
        }
        return false;
    }

    /** Drops the open window and the weight copy (the agent ran out of memory); the last snapshot stays. */
    void release() {
        window.release();
        weights.clear();
    }

    /** Drops what the open window accumulated, publishing nothing. */
    void discardWindow() {
        window.close();
    }

    /** Units of the layer, or -1 before its first forward pass was seen. */
    public int units() {
        return units;
    }

    /** The last closed window, or null before the first window closed. */
    public LayerSnapshot snapshot() {
        return snapshot;
    }

    public long forwardNonFiniteTotal() {
        return window.forwardNonFiniteTotal();
    }

    public long backwardNonFiniteTotal() {
        return window.backwardNonFiniteTotal();
    }
}
