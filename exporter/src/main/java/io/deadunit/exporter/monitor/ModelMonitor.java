package io.deadunit.exporter.monitor;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One model (MultiLayerNetwork or ComputationGraph): counts its iterations, decides which ones are sampled, and
 * closes its layers' windows. Iteration callbacks come from the model's training thread.
 */
public final class ModelMonitor {
    private final String name;
    private final Sampling sampling;
    private final MonitorListener listener;
    private final List<LayerMonitor> layers = new CopyOnWriteArrayList<>();

    private volatile long iterations;
    private volatile long inferencePasses;
    private volatile double score = Double.NaN;
    private volatile boolean sampleTraining = true;
    private volatile boolean sampleInference = true;

    ModelMonitor(String name, Sampling sampling, MonitorListener listener) {
        this.name = name;
        this.sampling = sampling;
        this.listener = listener;
    }

    public String name() {
        return name;
    }

    LayerMonitor addLayer(LayerDescriptor descriptor) {
        LayerMonitor layer = new LayerMonitor(this, descriptor, listener);
        layers.add(layer);
        return layer;
    }

    public List<LayerMonitor> layers() {
        return layers;
    }

    /** Whether tensors of the current training iteration (or inference pass) should be observed. */
    public boolean isSampling(boolean training) {
        return training ? sampleTraining : sampleInference;
    }

    /** A training iteration completed: count it, close the window when it is full, decide the next step. */
    public void onIterationDone(double score) {
        this.score = score;
        long done = ++iterations;
        if (done % sampling.window() == 0) {
            closeWindows();
        }
        sampleTraining = done % sampling.sampleEvery() == 0;
    }

    /** An inference pass starts (observed only when inference is monitored); it is sampled like an iteration. */
    public void onInferencePassStarted() {
        long started = inferencePasses++;
        if (started > 0 && started % sampling.window() == 0) {
            closeWindows();
        }
        sampleInference = started % sampling.sampleEvery() == 0;
    }

    private void closeWindows() {
        for (LayerMonitor layer : layers) {
            layer.closeWindow();
        }
    }

    public long iterations() {
        return iterations;
    }

    public double score() {
        return score;
    }
}
