package io.deadunit.exporter.meters;

import io.deadunit.exporter.monitor.LayerDescriptor;
import io.deadunit.exporter.monitor.LayerMonitor;
import io.micrometer.core.instrument.Tags;

/** The bounded label set every layer meter carries. */
final class LayerTags {
    private LayerTags() {
    }

    static Tags of(LayerMonitor layer) {
        LayerDescriptor d = layer.descriptor();
        return Tags.of(
                "model", layer.model().name(),
                "layer", d.name(),
                "layer_index", Integer.toString(d.index()),
                "layer_type", d.type(),
                "activation", d.activation());
    }
}
