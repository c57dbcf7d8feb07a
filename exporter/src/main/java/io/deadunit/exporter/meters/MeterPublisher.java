package io.deadunit.exporter.meters;

import io.deadunit.exporter.monitor.LayerMonitor;
import io.deadunit.exporter.monitor.ModelMonitor;
import io.deadunit.exporter.monitor.MonitorListener;
import io.deadunit.exporter.stats.LayerSnapshot;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Binds meters as monitors appear and removes them when their model is collected, so the registry only ever
 * shows live models.
 */
public final class MeterPublisher implements MonitorListener {
    private final MeterRegistry registry;
    private volatile Optional<UnitActivityHistogram> activity;
    private final Map<ModelMonitor, List<Meter>> metersByModel = new ConcurrentHashMap<>();
    private final Map<LayerMonitor, LayerMeters> layerMeters = new ConcurrentHashMap<>();

    /** @param activity the Prometheus-only unit-activity histogram, when exporting to Prometheus */
    public MeterPublisher(MeterRegistry registry, Optional<UnitActivityHistogram> activity) {
        this.registry = registry;
        this.activity = activity;
    }

    /** The unit-activity histogram, once the Prometheus registry exists; windows closed before are not in it. */
    public void publishActivityTo(UnitActivityHistogram histogram) {
        this.activity = Optional.of(histogram);
    }

    @Override
    public void modelAdded(ModelMonitor model) {
        ModelMeters meters = new ModelMeters(model);
        meters.bindTo(registry);
        metersOf(model).addAll(meters.meters());
    }

    @Override
    public void layerSeen(LayerMonitor layer) {
        LayerUnitsMeter units = new LayerUnitsMeter(layer);
        units.bindTo(registry);
        metersOf(layer.model()).add(units.meter());
    }

    @Override
    public void windowClosed(LayerMonitor layer, LayerSnapshot snapshot) {
        LayerMeters meters = layerMeters.computeIfAbsent(layer, l -> {
            LayerMeters bound = new LayerMeters(l);
            bound.bindTo(registry);
            metersOf(l.model()).addAll(bound.meters());
            return bound;
        });
        // The histogram bypasses Micrometer's filters: it follows the maxLayers cap of the layer's other meters.
        if (meters.accepted()) {
            activity.ifPresent(histogram -> histogram.record(layer, snapshot));
        }
    }

    @Override
    public void modelRemoved(ModelMonitor model) {
        List<Meter> meters = metersByModel.remove(model);
        if (meters != null) {
            meters.forEach(registry::remove);
        }
        layerMeters.keySet().removeIf(layer -> layer.model() == model);
        activity.ifPresent(histogram -> histogram.remove(model));
    }

    private List<Meter> metersOf(ModelMonitor model) {
        return metersByModel.computeIfAbsent(model, m -> new CopyOnWriteArrayList<>());
    }
}
