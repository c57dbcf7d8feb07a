package io.deadunit.exporter.meters;

import io.deadunit.exporter.monitor.LayerDescriptor;
import io.deadunit.exporter.monitor.LayerMonitor;
import io.micrometer.core.instrument.Tags;

/** The bounded label set every layer meter carries, Micrometer's and the Prometheus-only histogram's alike. */
final class LayerTags {
    /** The label names, in the order of {@link #values}. */
    static final String[] NAMES = {"model", "layer", "layer_index", "layer_type", "activation"};

    private LayerTags() {
    }

    static Tags of(LayerMonitor layer) {
        String[] values = values(layer);
        Tags tags = Tags.empty();
        for (int i = 0; i < NAMES.length; i++) {
            tags = tags.and(NAMES[i], values[i]);
        }
        return tags;
    }

    static String[] values(LayerMonitor layer) {
        LayerDescriptor d = layer.descriptor();
        return new String[] {layer.model().name(), d.name(), Integer.toString(d.index()), d.type(), d.activation()};
    }
}
