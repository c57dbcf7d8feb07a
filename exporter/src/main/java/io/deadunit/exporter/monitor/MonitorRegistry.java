package io.deadunit.exporter.monitor;

import io.deadunit.exporter.util.WeakIdentityMap;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Every monitored model and layer in the JVM, keyed weakly by the identity of the application's objects, so a
 * discarded model is collected and its monitors dropped ({@link #expunge()}).
 */
public final class MonitorRegistry {
    private final WeakIdentityMap<Object, ModelMonitor> models = new WeakIdentityMap<>();
    private final WeakIdentityMap<Object, LayerMonitor> layers = new WeakIdentityMap<>();
    private final Map<String, AtomicInteger> ordinals = new ConcurrentHashMap<>();
    private final Optional<String> modelName;
    private final Sampling sampling;
    private final MonitorListener listener;
    private final AtomicInteger namedModels = new AtomicInteger();
    private final int maxLayers;
    private final LongAdder unmonitoredLayers = new LongAdder();
    private final Diagnostics diagnostics;
    private final WindowUpdates updates;

    /**
     * @param modelName label of the first model (later ones get {@code NAME-2}, {@code NAME-3}…); when empty,
     *                  models are named by kind and creation order: {@code multilayernetwork-0}
     */
    public MonitorRegistry(Optional<String> modelName, Sampling sampling, MonitorListener listener) {
        this(modelName, sampling, listener, Integer.MAX_VALUE);
    }

    /** @param maxLayers most layers monitored at once; further layers are only counted, so meters stay bounded */
    public MonitorRegistry(Optional<String> modelName, Sampling sampling, MonitorListener listener, int maxLayers) {
        this(modelName, sampling, listener, maxLayers, Diagnostics.quiet());
    }

    /** @param diagnostics when a layer that lost units is diagnosed, and where the report goes */
    public MonitorRegistry(Optional<String> modelName, Sampling sampling, MonitorListener listener, int maxLayers,
                           Diagnostics diagnostics) {
        this(modelName, sampling, listener, maxLayers, diagnostics, WindowUpdates.inline());
    }

    /** @param updates where the windows are updated: in the background, or on the training threads */
    public MonitorRegistry(Optional<String> modelName, Sampling sampling, MonitorListener listener, int maxLayers,
                           Diagnostics diagnostics, WindowUpdates updates) {
        this.diagnostics = diagnostics;
        this.updates = updates;
        this.modelName = modelName;
        this.sampling = sampling;
        this.listener = listener;
        this.maxLayers = maxLayers;
    }

    /** Registers a model once; later calls return the same monitor. */
    public ModelMonitor registerModel(Object model, String kind) {
        return models.computeIfAbsent(model, m -> {
            ModelMonitor monitor = new ModelMonitor(nextName(kind), sampling, listener, diagnostics, updates);
            listener.modelAdded(monitor);
            return monitor;
        });
    }

    /**
     * Registers a layer of a model once; the descriptor is computed only the first time. Returns null, and counts
     * the layer as unmonitored, when {@code maxLayers} layers are already monitored.
     */
    public LayerMonitor registerLayer(Object layer, ModelMonitor model,
                                      Function<Object, LayerDescriptor> describe) {
        LayerMonitor existing = layers.get(layer);
        if (existing != null) {
            return existing;
        }
        if (layers.size() >= maxLayers) {
            unmonitoredLayers.increment();
            return null;
        }
        return layers.computeIfAbsent(layer, l -> model.addLayer(describe.apply(l)));
    }

    /** Layers seen beyond {@code maxLayers}, which got no monitor and no meters. */
    public long unmonitoredLayers() {
        return unmonitoredLayers.sum();
    }

    /** The monitor of a registered layer, or null: the hot-path lookup. */
    public LayerMonitor layer(Object layer) {
        return layers.get(layer);
    }

    /** Whether any model's current training iteration is sampled (else no training tensor is read). */
    public boolean anyTrainingSampled() {
        return sampling.anyTrainingSampled();
    }

    /** Whether a registered model has not started training yet (then an iteration's start looks its model up). */
    public boolean anyModelNotStarted() {
        return sampling.anyModelNotStarted();
    }

    /** Where the windows are updated (await it before reading what the last windows published). */
    public WindowUpdates updates() {
        return updates;
    }

    public ModelMonitor model(Object model) {
        return models.get(model);
    }

    public List<ModelMonitor> models() {
        return models.values();
    }

    /**
     * After the agent ran out of memory: stops observing and drops what the layers hold beyond their last
     * snapshot (open windows, weight copies), so the memory goes back to training.
     */
    public void release() {
        sampling.monitoring(false);
        for (ModelMonitor model : models.values()) {
            for (LayerMonitor layer : model.layers()) {
                layer.release();
            }
        }
    }

    /** Drops the monitors of collected models and layers; tells the listener which models are gone. */
    public void expunge() {
        layers.expunge();
        for (ModelMonitor gone : models.expunge()) {
            gone.dropped();
            // after the model's pending window updates, which would otherwise bind its meters again
            updates.submit(gone.pendingUpdates(), () -> listener.modelRemoved(gone));
        }
    }

    private String nextName(String kind) {
        if (modelName.isPresent()) {
            int n = namedModels.incrementAndGet();
            return n == 1 ? modelName.get() : modelName.get() + "-" + n;
        }
        int ordinal = ordinals.computeIfAbsent(kind, k -> new AtomicInteger()).getAndIncrement();
        return kind + "-" + ordinal;
    }
}
