package io.deadunit.agent.dl4j;

import io.deadunit.agent.probe.TensorProbe;
import io.deadunit.exporter.health.AgentHealth;
import io.deadunit.exporter.monitor.IterationEnd;
import io.deadunit.exporter.monitor.LayerMonitor;
import io.deadunit.exporter.monitor.ModelMonitor;
import io.deadunit.exporter.monitor.MonitorRegistry;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.lang.ref.WeakReference;

/**
 * Adapts DL4J to the monitors: finds a layer's monitor, decides whether this call is observed, and reads the tensor.
 * Every failure is swallowed and counted; the time spent on observed calls is accounted as overhead.
 */
public final class Dl4jProbe implements TensorProbe {
    private final MonitorRegistry registry;
    private final AgentHealth health;
    private final boolean observeTraining;
    private final boolean observeInference;
    private final WindowWeights weights;
    private volatile WeakReference<Object> lastStarted = new WeakReference<>(null);
    private volatile LastModel lastModel = LastModel.NONE;

    /** @param reviveEvery recycle dead units every this many windows ({@code revive=true}); 0: never */
    public Dl4jProbe(MonitorRegistry registry, AgentHealth health, boolean observeTraining, boolean observeInference,
                     int reviveEvery) {
        this.registry = registry;
        this.health = health;
        this.observeTraining = observeTraining;
        this.observeInference = observeInference;
        this.weights = new WindowWeights(registry, health, reviveEvery);
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

    /**
     * A model's first training iteration starts: from now on its sampled iterations take the hooks off the fast
     * path. Only called while some registered model has not trained (a restored or cloned model may never).
     */
    @Override
    public void onIterationStart(Object model) {
        // The model that trains next to an idle one starts every iteration: it is known without a lookup.
        if (!observeTraining || lastStarted.get() == model) {
            return;
        }
        long start = System.nanoTime();
        try {
            ModelMonitor monitor = registry.model(model);
            if (monitor != null) {
                monitor.trainingStarted();
                lastStarted = new WeakReference<>(model);
            }
        } catch (Throwable t) {
            health.recordError("iteration of a model", t);
        } finally {
            health.addOverhead(System.nanoTime() - start);
        }
    }

    @Override
    public void onIterationDone(Object model) {
        // Most iterations are neither sampled nor closing a window, nor followed by a sampled one: the model that
        // ended the last iteration is known without a lookup, and its monitor just counts (untimed, like the fast
        // path of the tensor hooks: a few field reads, two writes). Its layers are checked on the full path, which
        // runs at least on the iteration before each sampled one.
        LastModel last = lastModel;
        if (last.model.get() == model && last.monitor.plainIterationDone(((Model) model).score())) {
            return;
        }
        long start = System.nanoTime();
        try {
            ModelMonitor monitor = last.model.get() == model ? last.monitor : registry.model(model);
            if (monitor == null || !monitor.hasRegistered(ModelKind.layersOf(model))) {
                // Models initialised before the agent was installed are picked up at their first iteration, and
                // so are layers that replaced those of init() (TransferLearning's FrozenLayer wrappers).
                monitor = register(model);
            }
            if (monitor != null) {
                if (last.monitor != monitor || last.model.get() != model) {
                    lastModel = new LastModel(model, monitor);
                }
                iterationDone(model, monitor);
            }
        } catch (Throwable t) {
            health.recordError("iteration of a model", t);
        } finally {
            health.addOverhead(System.nanoTime() - start);
        }
    }

    /** The model monitor drives the iteration's end; the weights are read only when training is observed. */
    private void iterationDone(Object model, ModelMonitor monitor) {
        Layer[] layers = observeTraining ? ModelKind.layersOf(model) : null;
        monitor.onIterationDone(((Model) model).score(),
                layers == null ? IterationEnd.NONE : weights.endOf(model, layers));
    }

    private ModelMonitor register(Object model) {
        ModelKind kind = ModelKind.of(model);
        if (kind == null) {
            return null;
        }
        Layer[] layers = kind.layers(model);
        ModelMonitor monitor = registry.registerModel(model, kind.label());
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
            weights.beginWindow(layers);
        }
        return monitor;
    }

    /** The model whose iteration ended last and its monitor; the model held weakly so that it can be collected. */
    private static final class LastModel {
        static final LastModel NONE = new LastModel(null, null);
        final WeakReference<Object> model;
        final ModelMonitor monitor;

        LastModel(Object model, ModelMonitor monitor) {
            this.model = new WeakReference<>(model);
            this.monitor = monitor;
        }
    }
}
