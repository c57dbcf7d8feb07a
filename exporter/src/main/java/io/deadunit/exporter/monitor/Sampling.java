package io.deadunit.exporter.monitor;

/**
 * How often to observe and how long a window is, in iterations, and whether to observe at all; shared by every
 * model, changeable at run time (over JMX).
 */
public final class Sampling {
    private volatile int sampleEvery;
    private volatile int window;
    private volatile boolean monitoring = true;

    public Sampling(int sampleEvery, int window) {
        set(sampleEvery, window);
    }

    public void set(int sampleEvery, int window) {
        if (sampleEvery < 1 || window < 1) {
            throw new IllegalArgumentException("sampleEvery and window must be at least 1");
        }
        this.sampleEvery = sampleEvery;
        this.window = window;
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
}
