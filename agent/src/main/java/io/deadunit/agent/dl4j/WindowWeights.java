package io.deadunit.agent.dl4j;

import io.deadunit.exporter.health.AgentHealth;
import io.deadunit.exporter.monitor.IterationEnd;
import io.deadunit.exporter.monitor.LayerMonitor;
import io.deadunit.exporter.monitor.MonitorRegistry;
import io.deadunit.exporter.util.WeakIdentityMap;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The weight side of the end of a training iteration, which the model monitor drives ({@link IterationEnd}): after
 * the optimizer step, the iteration's weight evidence goes into the layers' windows (update ratio on a few sampled iterations;
 * stagnant units, learning rate and biases when it closes the window); at a window boundary, dead units are revived
 * (when asked) and the weights copied for the next window. Every failure is counted, never thrown.
 */
final class WindowWeights {
    private final MonitorRegistry registry;
    private final AgentHealth health;
    private final int reviveEvery;
    private final Revival revival = new Revival(System.err);
    private final WeakIdentityMap<Object, UpdateViews> updateViews = new WeakIdentityMap<>();

    /** @param reviveEvery recycle dead units every this many windows ({@code revive=true}); 0: never */
    WindowWeights(MonitorRegistry registry, AgentHealth health, int reviveEvery) {
        this.registry = registry;
        this.health = health;
        this.reviveEvery = reviveEvery;
    }

    /** The end of the iteration {@code model} just completed, for {@code ModelMonitor.onIterationDone}. */
    IterationEnd endOf(Object model, Layer[] layers) {
        return new IterationEnd() {
            @Override
            public void recordWeights(boolean updateRatio, boolean closes) {
                // The weight signals are extras: a failure here must not keep the window from closing.
                try {
                    record(model, layers, updateRatio, closes);
                } catch (Throwable t) {
                    health.recordError("reading the weights of a model", t);
                }
            }

            @Override
            public void revive(long windowsClosed) {
                updateViews.expunge();
                if (reviveEvery > 0 && model instanceof MultiLayerNetwork && windowsClosed % reviveEvery == 0) {
                    try {
                        revival.reviveDeadUnits((MultiLayerNetwork) model, registry);
                    } catch (Throwable t) {
                        health.recordError("reviving dead units", t);
                    }
                }
            }

            @Override
            public void beginWindow() {
                WindowWeights.this.beginWindow(layers);
            }

            @Override
            public void forgetWindowStart() {
                updateViews.expunge();
                try {
                    for (Layer layer : layers) {
                        LayerMonitor monitor = registry.layer(layer);
                        if (monitor != null) {
                            monitor.weightTracker().clear();
                        }
                    }
                } catch (Throwable t) {
                    health.recordError("copying the weights of a model", t);
                }
            }
        };
    }

    /** Copies the unit-mapped weights at the start of a window (after any revival), for stagnant units. */
    void beginWindow(Layer[] layers) {
        try {
            for (Layer layer : layers) {
                LayerMonitor monitor = registry.layer(layer);
                if (monitor != null && !LayerWeights.beginWindow(layer, monitor)) {
                    health.lowHeap("the weight copy of layer " + monitor.descriptor().name()
                            + " (its stagnant units are unknown for the window)");
                }
            }
        } catch (Throwable t) {
            health.recordError("copying the weights of a model", t);
        }
    }

    private void record(Object model, Layer[] layers, boolean updateRatio, boolean closes) {
        for (Layer layer : layers) {
            LayerMonitor monitor = registry.layer(layer);
            // Weight signals read a layer's own parameters: wrappers (Bidirectional, FrozenLayer…) hold theirs in
            // inner layers under other names, and DL4J's accessors for them throw.
            if (monitor == null || !(layer instanceof BaseLayer)) {
                continue;
            }
            if (updateRatio) {
                monitor.onUpdateRatio(updateRatio(layer));
            }
            if (closes) {
                monitor.onStagnantUnits(LayerWeights.stagnantUnits(layer, monitor));
                monitor.onLearningRate(LayerWeights.learningRate(layer, (Model) model));
                monitor.onBiases(LayerWeights.biases(layer, monitor.units()));
            }
        }
    }

    /**
     * The step of the layer's weights just applied ({@link LayerWeights#updateRatio}), through views of its weights
     * and of its gradient array split per parameter, made once and kept while the layer keeps the same gradient
     * array and weight arrays (making the views costs more than the sampled read). Entries of collected layers are
     * dropped at window closes.
     */
    private double updateRatio(Layer layer) {
        INDArray flat = layer.getGradientsViewArray();
        if (flat == null) {
            return Double.NaN;
        }
        UpdateViews cached = updateViews.get(layer);
        if (cached == null || cached.flat != flat || cached.steps == null || !cached.steps.matches(layer)) {
            if (cached != null) {
                updateViews.remove(layer);
            }
            UpdateViews fresh = new UpdateViews(flat,
                    LayerWeights.StepViews.of(layer, LayerWeights.updateViews(layer)));
            cached = updateViews.computeIfAbsent(layer, l -> fresh);
        }
        return LayerWeights.updateRatio(layer, cached.steps);
    }

    /** A layer's gradient array and the views of its weights and their updates. */
    private static final class UpdateViews {
        final INDArray flat;
        final LayerWeights.StepViews steps;

        UpdateViews(INDArray flat, LayerWeights.StepViews steps) {
            this.flat = flat;
            this.steps = steps;
        }
    }
}
