package io.deadunit.exporter.meters;

import io.deadunit.exporter.monitor.LayerMonitor;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/** {@code dl4j.layer.units}: bound as soon as a layer's first output is seen, before any window closes. */
final class LayerUnitsMeter implements MeterBinder {
    private final LayerMonitor layer;
    private Meter meter;

    LayerUnitsMeter(LayerMonitor layer) {
        this.layer = layer;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        meter = Gauge.builder("dl4j.layer.units", layer, LayerMonitor::units)
                .tags(LayerTags.of(layer))
                .description("Units (output channels) of the layer")
                .strongReference(true)
                .register(registry);
    }

    Meter meter() {
        return meter;
    }
}
