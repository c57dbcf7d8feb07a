package io.deadunit.agent.dl4j;

import io.deadunit.exporter.monitor.LayerMonitor;
import io.deadunit.exporter.monitor.MonitorRegistry;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.util.List;
import java.util.Map;

/**
 * Tells each layer's monitor which layer feeds it, for the {@code upstream_dead} rule: the previous layer in a
 * MultiLayerNetwork; in a ComputationGraph, the single input vertex when it is a layer (none for merges and other
 * vertices).
 */
final class Upstream {
    private Upstream() {
    }

    static void link(Object model, Layer[] layers, MonitorRegistry registry) {
        if (model instanceof MultiLayerNetwork) {
            for (int i = 1; i < layers.length; i++) {
                set(registry, layers[i], layers[i - 1]);
            }
        } else if (model instanceof ComputationGraph) {
            ComputationGraph graph = (ComputationGraph) model;
            Map<String, List<String>> inputs = graph.getConfiguration().getVertexInputs();
            for (Layer layer : layers) {
                String name = layer.conf() == null ? null : layer.conf().getLayer().getLayerName();
                List<String> in = name == null ? null : inputs.get(name);
                if (in != null && in.size() == 1 && graph.getVertex(in.get(0)) != null
                        && graph.getVertex(in.get(0)).hasLayer()) {
                    set(registry, layer, graph.getVertex(in.get(0)).getLayer());
                }
            }
        }
    }

    private static void set(MonitorRegistry registry, Layer layer, Layer feeding) {
        LayerMonitor monitor = registry.layer(layer);
        LayerMonitor upstream = registry.layer(feeding);
        if (monitor != null && upstream != null && monitor != upstream) {
            monitor.setUpstream(upstream);
        }
    }
}
