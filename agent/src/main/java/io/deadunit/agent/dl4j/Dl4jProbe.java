package io.deadunit.agent.dl4j;

import io.deadunit.agent.probe.TensorProbe;
import io.deadunit.exporter.health.AgentHealth;
import io.deadunit.exporter.monitor.LayerMonitor;
import io.deadunit.exporter.monitor.ModelMonitor;
import io.deadunit.exporter.monitor.MonitorRegistry;
import io.deadunit.exporter.util.WeakIdentityMap;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * Adapts DL4J to the monitors: finds a layer's monitor, decides whether this call is observed, and reads the tensor.
 * Every failure is swallowed and counted; the time spent on observed calls is accounted as overhead.
 */
public final class Dl4jProbe implements TensorProbe {
    private final MonitorRegistry registry;
    private final AgentHealth health;
    private final boolean observeTraining;
    private final boolean observeInference;
    private final int reviveEvery;
    private final Revival revival = new Revival();
    private final WeakIdentityMap<Object, UpdateViews> updateViews = new WeakIdentityMap<>();

    public Dl4jProbe(MonitorRegistry registry, AgentHealth health, boolean observeTraining, boolean observeInference) {
        this(registry, health, observeTraining, observeInference, 0);
    }

    /** @param reviveEvery recycle dead units every this many windows ({@code revive=true}); 0: never */
    public Dl4jProbe(MonitorRegistry registry, AgentHealth health, boolean observeTraining, boolean observeInference,
                     int reviveEvery) {
        this.registry = registry;
        this.health = health;
        this.observeTraining = observeTraining;
        this.observeInference = observeInference;
        this.reviveEvery = reviveEvery;
    }

    @Override
    public void onForward(Object layer, boolean training, Object output) {
        // Most training iterations are not sampled: they cost this check and nothing else.
        if (training ? !observeTraining || !registry.anyTrainingSampled() : !observeInference) {
            return;
        }
        long start = System.nanoTime();
        try {
            LayerMonitor monitor = registry.layer(layer);
            if (monitor == null) {
                return;
            }
            if (!training && monitor.isFirstOfModel()) {
                monitor.model().onInferencePassStarted();
            }
            if (monitor.isSampling(training)) {
                INDArray array = (INDArray) output;
                float[] mask = SequenceMasks.of((Layer) layer, array, monitor.descriptor().timeAxis());
                TensorReader.read(array, (data, offset, shape, stride) ->
                        monitor.onActivations(data, offset, shape, stride, mask));
            }
        } catch (Throwable t) {
            health.recordError("forward pass of " + layer.getClass().getSimpleName(), t);
        } finally {
            health.addOverhead(System.nanoTime() - start);
        }
    }

    @Override
    public void onBackward(Object layer, Object epsilon) {
        if (!observeTraining || !registry.anyTrainingSampled()) {
            return;
        }
        long start = System.nanoTime();
        try {
            LayerMonitor monitor = registry.layer(layer);
            if (monitor != null && monitor.isSampling(true)) {
                INDArray array = (INDArray) epsilon;
                float[] mask = SequenceMasks.of((Layer) layer, array, monitor.descriptor().timeAxis());
                TensorReader.read(array, (data, offset, shape, stride) ->
                        monitor.onGradients(data, offset, shape, stride, mask));
            }
        } catch (Throwable t) {
            health.recordError("backward pass of " + layer.getClass().getSimpleName(), t);
        } finally {
            health.addOverhead(System.nanoTime() - start);
        }
    }

    @Override
    public void onModelInit(Object model) {
        long start = System.nanoTime();
        try {
            register(model);
        } catch (Throwable t) {
            health.recordError("registering a model", t);
        } finally {
            health.addOverhead(System.nanoTime() - start);
        }
    }

    @Override
    public void onIterationDone(Object model) {
        long start = System.nanoTime();
        try {
            ModelMonitor monitor = registry.model(model);
            if (monitor == null || !monitor.hasRegistered(layersOf(model))) {
                // Models initialised before the agent was installed are picked up at their first iteration, and
                // so are layers that replaced those of init() (TransferLearning's FrozenLayer wrappers).
                monitor = register(model);
            }
            if (monitor != null) {
                iterationDone(model, monitor);
            }
        } catch (Throwable t) {
            health.recordError("iteration of a model", t);
        } finally {
            health.addOverhead(System.nanoTime() - start);
        }
    }

    /**
     * After the optimizer step: the weight evidence of this iteration (update ratio when it was sampled; stagnant
     * units, learning rate and biases when it closes the window) goes into the layers' windows before the model
     * monitor closes them; then, at a window boundary, dead units are revived (when asked) and the weights copied
     * for the next window.
     */
    private void iterationDone(Object model, ModelMonitor monitor) {
        Layer[] layers = observeTraining ? layersOf(model) : null;
        // Paused over JMX (Monitoring=false): no tensor is read, weights included.
        boolean reading = monitor.isMonitoring();
        boolean sampled = monitor.isSampling(true);
        boolean closes = monitor.closesWindow();
        if (layers != null && reading && (sampled || closes)) {
            // The weight signals are extras: a failure here must not keep the window from closing.
            try {
                recordWeights(model, layers, sampled, closes);
            } catch (Throwable t) {
                health.recordError("reading the weights of a model", t);
            }
        }
        monitor.onIterationDone(((org.deeplearning4j.nn.api.Model) model).score());
        if (layers != null && closes) {
            updateViews.expunge();
            if (!reading) {
                // no window-start copy: the next window's stagnant units are unknown, and nothing is revived
                forgetWeights(layers);
                return;
            }
            if (reviveEvery > 0 && model instanceof MultiLayerNetwork && monitor.windowsClosed() % reviveEvery == 0) {
                try {
                    revival.reviveDeadUnits((MultiLayerNetwork) model, registry);
                } catch (Throwable t) {
                    health.recordError("reviving dead units", t);
                }
            }
            beginWindow(layers);
        }
    }

    private void forgetWeights(Layer[] layers) {
        for (Layer layer : layers) {
            LayerMonitor layerMonitor = registry.layer(layer);
            if (layerMonitor != null) {
                layerMonitor.weightTracker().clear();
            }
        }
    }

    private void recordWeights(Object model, Layer[] layers, boolean sampled, boolean closes) {
        for (Layer layer : layers) {
            LayerMonitor layerMonitor = registry.layer(layer);
            // Weight signals read a layer's own parameters: wrappers (Bidirectional, FrozenLayer…) hold theirs in
            // inner layers under other names, and DL4J's accessors for them throw.
            if (layerMonitor == null || !(layer instanceof org.deeplearning4j.nn.layers.BaseLayer)) {
                continue;
            }
            if (sampled) {
                layerMonitor.onUpdateRatio(LayerWeights.updateRatio(layer, updateViews(layer)));
            }
            if (closes) {
                layerMonitor.onStagnantUnits(LayerWeights.stagnantUnits(layer, layerMonitor));
                layerMonitor.onLearningRate(LayerWeights.learningRate(layer, (org.deeplearning4j.nn.api.Model) model));
                layerMonitor.onBiases(LayerWeights.biases(layer, layerMonitor.units()));
            }
        }
    }

    /**
     * The layer's gradient view split per parameter, cached while the layer keeps the same gradient array (creating
     * the views costs tens of microseconds per layer). Entries of collected layers are dropped at window closes.
     */
    private Map<String, INDArray> updateViews(Layer layer) {
        INDArray flat = layer.getGradientsViewArray();
        if (flat == null) {
            return null;
        }
        UpdateViews cached = updateViews.get(layer);
        if (cached == null || cached.flat != flat) {
            if (cached != null) {
                updateViews.remove(layer);
            }
            UpdateViews fresh = new UpdateViews(flat, LayerWeights.updateViews(layer));
            cached = updateViews.computeIfAbsent(layer, l -> fresh);
        }
        return cached.views;
    }

    /** A layer's gradient array and its per-parameter views. */
    private static final class UpdateViews {
        final INDArray flat;
        final Map<String, INDArray> views;

        UpdateViews(INDArray flat, Map<String, INDArray> views) {
            this.flat = flat;
            this.views = views;
        }
    }

    /** Copies the unit-mapped weights at the start of a window (after any revival), for stagnant units. */
    private void beginWindow(Layer[] layers) {
        try {
            for (Layer layer : layers) {
                LayerMonitor layerMonitor = registry.layer(layer);
                if (layerMonitor != null) {
                    LayerWeights.beginWindow(layer, layerMonitor);
                }
            }
        } catch (Throwable t) {
            health.recordError("copying the weights of a model", t);
        }
    }

    private static Layer[] layersOf(Object model) {
        if (model instanceof MultiLayerNetwork) {
            return ((MultiLayerNetwork) model).getLayers();
        }
        if (model instanceof ComputationGraph) {
            return ((ComputationGraph) model).getLayers();
        }
        return null;
    }

    private ModelMonitor register(Object model) {
        Layer[] layers = layersOf(model);
        if (layers == null) {
            return null;
        }
        String kind = model instanceof MultiLayerNetwork ? "multilayernetwork" : "computationgraph";
        ModelMonitor monitor = registry.registerModel(model, kind);
        for (Layer layer : layers) {
            registry.registerLayer(layer, monitor, LayerDescriptors::describe);
        }
        monitor.layersRegistered(layers);
        try {
            Upstream.link(model, layers, registry);
        } catch (RuntimeException e) {
            // without links the upstream_dead rule never matches; everything else works
            health.recordError("linking the layers of a model", e);
        }
        if (observeTraining) {
            beginWindow(layers);
        }
        return monitor;
    }
}
