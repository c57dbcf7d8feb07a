package io.deadunit.exporter.meters;

import io.deadunit.exporter.monitor.LayerMonitor;
import io.deadunit.exporter.monitor.ModelMonitor;
import io.deadunit.exporter.stats.LayerSnapshot;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;

import java.util.Map;

/**
 * {@code dl4j_layer_unit_activity}: each window, every unit's share of active outputs, so Grafana can draw the
 * distribution as a heatmap. A Prometheus client histogram rather than a Micrometer one because its first bucket
 * must be {@code le="0"} (the units that never fired), and Micrometer only accepts positive bucket bounds. Being
 * outside Micrometer, it is not capped by the {@code maxLayers} meter filter: {@link MeterPublisher} records only
 * the layers whose Micrometer meters that filter accepted.
 */
public final class UnitActivityHistogram {
    /** Bucket upper bounds (inclusive): each unit's share of non-zero (bounded activations: non-saturated) outputs. */
    public static final double[] BUCKETS = {0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1};

    private final Histogram histogram;

    public UnitActivityHistogram(PrometheusRegistry registry) {
        this(registry, Map.of());
    }

    /**
     * @param constantLabels the process' identity ({@code labels=}), which Micrometer's common tags cannot reach
     *                       here: this histogram lives in the Prometheus registry directly
     */
    public UnitActivityHistogram(PrometheusRegistry registry, Map<String, String> constantLabels) {
        histogram = Histogram.builder()
                .name("dl4j_layer_unit_activity")
                .help("Each window, every unit's share of active outputs (non-zero; bounded activations: non-saturated)")
                .labelNames(LayerTags.NAMES)
                .classicUpperBounds(BUCKETS)
                .constLabels(constantLabels(constantLabels))
                .classicOnly()
                // no trace context to attach: sampling exemplars would only cost each observation
                .withoutExemplars()
                .register(registry);
    }

    void record(LayerMonitor layer, LayerSnapshot snapshot) {
        DistributionDataPoint point = histogram.labelValues(LayerTags.values(layer));
        for (int u = 0; u < snapshot.units(); u++) {
            point.observe(snapshot.unitActivity(u));
        }
    }

    void remove(ModelMonitor model) {
        for (LayerMonitor layer : model.layers()) {
            histogram.remove(LayerTags.values(layer));
        }
    }

    private static Labels constantLabels(Map<String, String> labels) {
        Labels.Builder builder = Labels.builder();
        labels.forEach(builder::label);
        return builder.build();
    }
}
