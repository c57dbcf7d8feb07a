package io.deadunit.agent.dl4j;

import io.deadunit.agent.probe.TensorProbe;
import io.deadunit.exporter.health.AgentHealth;
import io.deadunit.exporter.monitor.LayerMonitor;
import io.deadunit.exporter.monitor.ModelMonitor;
import io.deadunit.exporter.monitor.MonitorRegistry;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Adapts DL4J to the monitors: finds a layer's monitor, decides whether this call is observed, and reads the tensor.
 * Every failure is swallowed and counted; the time spent on observed calls is accounted as overhead.
 */
public final class Dl4jProbe implements TensorProbe {
    private final MonitorRegistry registry;
    private final AgentHealth health;
    private final boolean observeTraining;
    private final boolean observeInference;

    public Dl4jProbe(MonitorRegistry registry, AgentHealth health, boolean observeTraining, boolean observeInference) {
        this.registry = registry;
        this.health = health;
        this.observeTraining = observeTraining;
        this.observeInference = observeInference;
    }

    @Override
    public void onForward(Object layer, boolean training, Object output) {
        if (training ? !observeTraining : !observeInference) {
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
        if (!observeTraining) {
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
            if (monitor == null) {
                // Models initialised before the agent was installed are picked up at their first iteration.
                monitor = register(model);
            }
            if (monitor != null) {
                monitor.onIterationDone(((org.deeplearning4j.nn.api.Model) model).score());
            }
        } catch (Throwable t) {
            health.recordError("iteration of a model", t);
        } finally {
            health.addOverhead(System.nanoTime() - start);
        }
    }

    private ModelMonitor register(Object model) {
        Layer[] layers;
        String kind;
        if (model instanceof MultiLayerNetwork) {
            layers = ((MultiLayerNetwork) model).getLayers();
            kind = "multilayernetwork";
        } else if (model instanceof ComputationGraph) {
            layers = ((ComputationGraph) model).getLayers();
            kind = "computationgraph";
        } else {
            return null;
        }
        if (layers == null) {
            return null;
        }
        ModelMonitor monitor = registry.registerModel(model, kind);
        for (Layer layer : layers) {
            registry.registerLayer(layer, monitor, LayerDescriptors::describe);
        }
        return monitor;
    }
}
