package io.deadunit.exporter.monitor;

import io.deadunit.exporter.stats.LayerSnapshot;

/** Told what the monitors see, so meters can be registered and removed as models come and go. */
public interface MonitorListener {
    void modelAdded(ModelMonitor model);

    /** The first tensor of a layer was seen: its unit count is known. */
    void layerSeen(LayerMonitor layer);

    void windowClosed(LayerMonitor layer, LayerSnapshot snapshot);

    void modelRemoved(ModelMonitor model);
}
