package io.deadunit.exporter.monitor;

import io.deadunit.exporter.stats.LayerSnapshot;
import io.deadunit.exporter.stats.LayerWindow;
import io.deadunit.exporter.stats.TensorData;
import io.deadunit.exporter.stats.WeightTracker;

import java.util.concurrent.atomic.LongAdder;

/**
 * One layer of one model: receives its sampled tensors on the training thread and publishes a snapshot per window.
 * Its window is updated through the model's {@link WindowUpdates}: on the statistics thread, in order. Holds no
 * reference to the DL4J layer, so the layer can be collected.
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

    /**
     * A sampled forward pass: its tensor is valid during this call only (see {@link WindowUpdates#scan}).
     *
     * @param sequenceMask for rank-3 sequences, {@code [batch × steps]} with 0 at padding steps; or null. Read
     *                     later, with the tensor's copy: the caller hands over a mask of its own
     */
    public void onActivations(TensorData data, long offset, long[] shape, long[] stride, float[] sequenceMask) {
        int unitAxis = descriptor.unitAxis(shape.length);
        int timeAxis = descriptor.timeAxis();
        model.updates().scan(model.pendingUpdates(), data, offset, shape, stride, (d, o, s, t) ->
                window.addActivations(d, o, s, t, unitAxis, timeAxis, sequenceMask));
        noteUnits(shape, unitAxis, sequenceMask);
    }

    /**
     * The units of a tensor the window counts (as its scan will): known at once on the training thread, which the
     * adapter's weight reads need, while the scan itself may still be under way in the background.
     */
    private void noteUnits(long[] shape, int unitAxis, float[] sequenceMask) {
        if (unitAxis < 0 || unitAxis >= shape.length || shape.length < 2) {
            return;
        }
        for (long size : shape) {
            if (size == 0) {
                return;
            }
        }
        if (sequenceMask != null && !anyRealStep(sequenceMask)) {
            return;
        }
        int seen = Math.toIntExact(shape[unitAxis]);
        if (seen != units) {
            boolean first = units < 0;
            units = seen;
            if (first) {
                listener.layerSeen(this);
            }
        }
    }

    private static boolean anyRealStep(float[] mask) {
        for (float m : mask) {
            if (m != 0) {
                return true;
            }
        }
        return false;
    }

    /** @param sequenceMask as for {@link #onActivations}; or null */
    public void onGradients(TensorData data, long offset, long[] shape, long[] stride, float[] sequenceMask) {
        int unitAxis = descriptor.unitAxis(shape.length);
        int timeAxis = descriptor.timeAxis();
        model.updates().scan(model.pendingUpdates(), data, offset, shape, stride, (d, o, s, t) ->
                window.addGradients(d, o, s, t, unitAxis, timeAxis, sequenceMask));
    }

    /** ‖ΔW‖/‖W‖ of the sampled optimizer step that just ended (weight evidence comes from the adapter). */
    public void onUpdateRatio(double ratio) {
        update(() -> window.addUpdateRatio(ratio));
    }

    /** Units whose incoming weights did not change in the window about to close; -1 when unknown. */
    public void onStagnantUnits(int units) {
        update(() -> window.setStagnantUnits(units));
    }

    public void onLearningRate(double learningRate) {
        update(() -> window.setLearningRate(learningRate));
    }

    /** Each unit's bias at the end of the window about to close, or null. */
    public void onBiases(double[] biases) {
        update(() -> window.setBiases(biases));
    }

    /** Evidence for the open window, in order with its tensors (see {@link WindowUpdates}). */
    private void update(Runnable update) {
        model.updates().submit(model.pendingUpdates(), update);
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

    /** Closes the window; true when it produced a snapshot. Runs as a window update (see {@link ModelMonitor}). */
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
        update(window::release);
        weights.clear();
    }

    /** Drops what the open window accumulated, publishing nothing. */
    void discardWindow() {
        window.close(); // as a window update: see ModelMonitor
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
