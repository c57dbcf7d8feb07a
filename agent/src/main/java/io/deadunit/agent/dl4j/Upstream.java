package io.deadunit.agent.dl4j;

import io.deadunit.exporter.monitor.LayerMonitor;
import io.deadunit.exporter.monitor.MonitorRegistry;
import org.deeplearning4j.nn.api.Layer;

/**
 * Tells each layer's monitor which layer feeds it, for the {@code upstream_dead} rule: the previous layer in a
 * MultiLayerNetwork; in a ComputationGraph, the single input vertex when it is a layer (none for merges and other
 * vertices).
 */
final class Upstream {
    private Upstream() {
    }

    static void link(Object model, Layer[] layers, MonitorRegistry registry) {
        ModelKind kind = ModelKind.of(model);
        if (kind == null) {
            return;
        }
        for (int i = 0; i < layers.length; i++) {
            Layer feeding = kind.feeding(model, layers, i);
            if (feeding != null) {
                set(registry, layers[i], feeding);
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
