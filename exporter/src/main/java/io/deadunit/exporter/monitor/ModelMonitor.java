package io.deadunit.exporter.monitor;

import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One model (MultiLayerNetwork or ComputationGraph): counts its iterations, decides which ones are sampled, and
 * closes its layers' windows. Iteration callbacks come from the model's training thread, which alone submits the
 * windows' updates ({@link WindowUpdates}: they run in that order, one at a time): other threads (JMX) only request
 * a reset, which that thread carries out at its next iteration.
 */
public final class ModelMonitor {
    private final String name;
    private final Sampling sampling;
    private final MonitorListener listener;
    private final Diagnostics diagnostics;
    private final WindowUpdates updates;
    // Updates of this model's windows submitted and not yet run: one training thread submits them, in order.
    private final AtomicInteger pendingUpdates = new AtomicInteger();
    private final List<LayerMonitor> layers = new CopyOnWriteArrayList<>();
    private volatile long windowsClosed;

    /** Weak: the layer monitors (values of a weak map keyed by these layers) reach this monitor. */
    private volatile WeakReference<?>[] registeredLayers = new WeakReference<?>[0];
    private volatile long iterations;
    private volatile long inferencePasses;
    private volatile double score = Double.NaN;
    private volatile boolean sampleTraining = true;
    // Until its first training iteration starts, a model's "first iteration is sampled" is a promise, not a cost:
    // a restored or cloned model that never trains must not keep every other model's hooks off the fast path.
    private volatile boolean trainingStarted;
    private volatile boolean sampleInference = true;
    private final AtomicBoolean resetRequested = new AtomicBoolean();
    // Where the open window started; counted from there, a window resized or reset at run time is full length.
    private long trainingWindowStart;
    private long inferenceWindowStart;
    // Sampled training iterations of the open window so far: the update ratio is read on a few of them only.
    private long sampledInWindow;

    /**
     * Most sampled iterations of a window whose update ratio is read, spread evenly over the window: reading it costs
     * about as much as scanning a dense layer's activations, and a window's mean of a slowly moving ratio needs no
     * more steps than this (its per-step error is bounded separately, see {@code WeightStats}).
     */
    public static final int UPDATE_RATIO_STEPS = 5;

    ModelMonitor(String name, Sampling sampling, MonitorListener listener, Diagnostics diagnostics,
                 WindowUpdates updates) {
        this.name = name;
        this.updates = updates;
        this.sampling = sampling;
        this.listener = listener;
        this.diagnostics = diagnostics;
        sampling.modelAdded();
    }

    /**
     * A training iteration of this model starts (or, for a model picked up late, has completed): from now on its
     * sampled iterations count in {@link Sampling#anyTrainingSampled()}. The first iteration is sampled. Called on
     * the training thread; later calls do nothing.
     */
    public void trainingStarted() {
        if (!trainingStarted) {
            trainingStarted = true;
            sampling.modelStarted(sampleTraining);
        }
    }

    /** Whether a training iteration of this model has started (see {@link #trainingStarted()}). */
    public boolean hasStartedTraining() {
        return trainingStarted;
    }

    /**
     * Remembers which application layers were registered for this model. DL4J may swap layers after
     * {@code init()}, even inside the same array (TransferLearning wraps them in FrozenLayer that way), and the
     * new ones need monitors. Held weakly: a layer monitor reaches this monitor, and a strong reference here
     * would keep the layer (its weak key) and its parameters alive for ever.
     */
    public void layersRegistered(Object[] layers) {
        WeakReference<?>[] held = new WeakReference<?>[layers.length];
        for (int i = 0; i < layers.length; i++) {
            held[i] = new WeakReference<>(layers[i]);
        }
        registeredLayers = held;
    }

    /** Whether {@code layers} holds exactly the layers registered last, compared by identity. */
    public boolean hasRegistered(Object[] layers) {
        WeakReference<?>[] registered = registeredLayers;
        if (layers == null || layers.length != registered.length) {
            return false;
        }
        for (int i = 0; i < layers.length; i++) {
            if (layers[i] != registered[i].get()) {
                return false;
            }
        }
        return true;
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

    /** False while monitoring is paused (JMX): no tensor, weights included, is read. */
    public boolean isMonitoring() {
        return sampling.monitoring();
    }

    /** Whether tensors of the current training iteration (or inference pass) should be observed. */
    public boolean isSampling(boolean training) {
        return sampling.monitoring() && (training ? sampleTraining : sampleInference);
    }

    /** Training windows closed so far. */
    public long windowsClosed() {
        return windowsClosed;
    }

    /** A training iteration completed, with no weight evidence: see {@link #onIterationDone(double, IterationEnd)}. */
    public void onIterationDone(double score) {
        onIterationDone(score, IterationEnd.NONE);
    }

    /**
     * A training iteration completed: counts it and drives its end through {@code end}: weight evidence, then, when
     * the window is full, close (and diagnose), revive and begin the next window; last, whether the next iteration
     * is sampled. The window length and sampling are read once, so all of it agrees even if JMX changes them now.
     */
    public void onIterationDone(double score, IterationEnd end) {
        trainingStarted();
        this.score = score;
        boolean reading = sampling.monitoring();
        boolean sampled = reading && sampleTraining;
        long done = iterations + 1;
        boolean reset = resetTaken();
        int window = sampling.window();
        boolean closes = !reset && done - trainingWindowStart >= window;
        boolean ratio = sampled && sampledInWindow++ % ratioStride(window) == 0;
        if (reading && (ratio || closes)) {
            end.recordWeights(ratio, closes);
        }
        iterations = done;
        if (reset || closes) {
            if (reset) {
                discardWindows();
            } else {
                closeWindows();
                windowsClosed++;
            }
            trainingWindowStart = done;
            sampledInWindow = 0;
            if (!reading) {
                end.forgetWindowStart();
            } else {
                if (closes) {
                    end.revive(windowsClosed);
                }
                end.beginWindow();
            }
        }
        setSampleTraining(done % sampling.sampleEvery() == 0);
    }

    /**
     * The fast path of {@link #onIterationDone(double, IterationEnd)}: counts the iteration and returns true when it
     * was not sampled, does not close the window, finds no reset request and is not followed by a sampled iteration
     * (the full path then does nothing more than this); otherwise does nothing and returns false. A few plain field
     * reads and two writes: what the iterations between two sampled ones cost.
     */
    public boolean plainIterationDone(double score) {
        if (!trainingStarted || sampleTraining || resetRequested.get()) {
            return false;
        }
        long done = iterations + 1;
        if (done - trainingWindowStart >= sampling.window() || done % sampling.sampleEvery() == 0) {
            return false;
        }
        this.score = score;
        iterations = done;
        return true;
    }

    /** Every how many sampled iterations of a window the update ratio is read: at most {@link #UPDATE_RATIO_STEPS}. */
    private long ratioStride(int window) {
        long sampledPerWindow = (window + sampling.sampleEvery() - 1) / sampling.sampleEvery();
        return Math.max(1, (sampledPerWindow + UPDATE_RATIO_STEPS - 1) / UPDATE_RATIO_STEPS);
    }

    private void setSampleTraining(boolean sampled) {
        if (sampled != sampleTraining) {
            sampleTraining = sampled;
            if (trainingStarted) {
                sampling.trainingSampledChanged(sampled);
            }
        }
    }

    /** The model was collected: it samples nothing any more. */
    void dropped() {
        if (!trainingStarted) {
            trainingStarted = true;
            sampling.modelStarted(false);
        }
        setSampleTraining(false);
    }

    /** An inference pass starts (observed only when inference is monitored); it is sampled like an iteration. */
    public void onInferencePassStarted() {
        long started = inferencePasses++;
        if (resetTaken()) {
            discardWindows();
            inferenceWindowStart = started;
        } else if (started - inferenceWindowStart >= sampling.window()) {
            closeWindows();
            inferenceWindowStart = started;
        }
        sampleInference = started % sampling.sampleEvery() == 0;
    }

    WindowUpdates updates() {
        return updates;
    }

    AtomicInteger pendingUpdates() {
        return pendingUpdates;
    }

    /** Closes every layer's window, after the updates submitted before (on the statistics thread, see there). */
    private void closeWindows() {
        updates.submit(pendingUpdates, this::closeWindowsNow);
    }

    private void closeWindowsNow() {
        boolean[] closed = new boolean[layers.size()];
        int i = 0;
        for (LayerMonitor layer : layers) {
            if (i < closed.length) {
                closed[i++] = layer.closeWindowAndReport();
            }
        }
        // Every layer's window is closed before any is diagnosed: a rule may look at the layer feeding it.
        i = 0;
        for (LayerMonitor layer : layers) {
            if (i < closed.length && closed[i++]) {
                diagnostics.diagnose(layer);
            }
        }
    }

    /** A plain read first: the atomic swap is only paid on the rare iteration that finds a request. */
    private boolean resetTaken() {
        return resetRequested.get() && resetRequested.getAndSet(false);
    }

    /**
     * Asks the thread that trains (or runs inference) to drop every layer's open window at its next iteration
     * (or pass) and start a full new one; last closed windows stay published. Safe from any thread.
     */
    public void requestWindowReset() {
        resetRequested.set(true);
    }

    private void discardWindows() {
        updates.submit(pendingUpdates, () -> {
            for (LayerMonitor layer : layers) {
                layer.discardWindow();
            }
        });
    }

    public long iterations() {
        return iterations;
    }

    public double score() {
        return score;
    }
}
