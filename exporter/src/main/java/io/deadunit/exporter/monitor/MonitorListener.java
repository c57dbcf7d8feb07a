package io.deadunit.exporter.monitor;

import io.deadunit.exporter.stats.LayerSnapshot;

/**
 * Told what the monitors see, so meters can be registered and removed as models come and go. Every method does
 * nothing unless overridden: {@code new MonitorListener() { }} listens to nothing.
 */
public interface MonitorListener {
    default void modelAdded(ModelMonitor model) {
    }

    /** The first tensor of a layer was seen: its unit count is known. */
    default void layerSeen(LayerMonitor layer) {
    }

    default void windowClosed(LayerMonitor layer, LayerSnapshot snapshot) {
    }

    default void modelRemoved(ModelMonitor model) {
    }
}
