package io.deadunit.exporter.monitor;

import io.deadunit.exporter.config.ConfigKey;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How often to observe and how long a window is, in iterations, and whether to observe at all; shared by every
 * model, changeable at run time (over JMX).
 */
public final class Sampling {
    private volatile int sampleEvery;
    private volatile int window;
    private volatile boolean monitoring = true;
    /** Models whose current training iteration is sampled: most calls need no lookup when there are none. */
    private final AtomicInteger modelsSamplingTraining = new AtomicInteger();
    /** Models registered whose training has not started yet (never trained: restored, cloned, inference only). */
    private final AtomicInteger modelsNotStarted = new AtomicInteger();

    public Sampling(int sampleEvery, int window) {
        set(sampleEvery, window);
    }

    /** Within the ranges of the {@code sampleEvery} and {@code window} keys, else {@link IllegalArgumentException}. */
    public void set(int sampleEvery, int window) {
        this.sampleEvery = ConfigKey.SAMPLE_EVERY.check(sampleEvery);
        this.window = ConfigKey.WINDOW.check(window);
    }

    public int sampleEvery() {
        return sampleEvery;
    }

    public int window() {
        return window;
    }

    /** False: no tensor is read; iterations are still counted and windows still close, with what they saw. */
    public boolean monitoring() {
        return monitoring;
    }

    public void monitoring(boolean on) {
        this.monitoring = on;
    }

    /**
     * False when no model's current training iteration is sampled: a layer's forward or backward pass can then
     * return before looking its monitor up. Two volatile reads, for the calls of the iterations not sampled.
     */
    public boolean anyTrainingSampled() {
        return monitoring && modelsSamplingTraining.get() > 0;
    }

    /**
     * Whether some registered model has not started training: only then does the start of an iteration need to
     * look its model up. One volatile read.
     */
    public boolean anyModelNotStarted() {
        return modelsNotStarted.get() > 0;
    }

    /** A model was registered; it counts as sampling only once its training starts. */
    void modelAdded() {
        modelsNotStarted.incrementAndGet();
    }

    /** A model's training started (or it was dropped before); {@code sampled}: whether its current iteration is. */
    void modelStarted(boolean sampled) {
        modelsNotStarted.decrementAndGet();
        if (sampled) {
            modelsSamplingTraining.incrementAndGet();
        }
    }

    /** A model's current training iteration became sampled (+1) or not (-1). */
    void trainingSampledChanged(boolean sampled) {
        modelsSamplingTraining.addAndGet(sampled ? 1 : -1);
    }
}
