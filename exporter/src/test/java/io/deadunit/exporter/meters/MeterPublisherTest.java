package io.deadunit.exporter.meters;

import io.deadunit.exporter.health.AgentHealth;
import io.deadunit.exporter.monitor.LayerDescriptor;
import io.deadunit.exporter.monitor.LayerMonitor;
import io.deadunit.exporter.monitor.ModelMonitor;
import io.deadunit.exporter.monitor.MonitorRegistry;
import io.deadunit.exporter.monitor.Sampling;
import io.deadunit.exporter.stats.FloatTensorData;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.io.PrintStream;
import java.io.ByteArrayOutputStream;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class MeterPublisherTest {
    private static LayerMonitor oneWindowOfTwoDeadUnits(MonitorRegistry registry, Object model, Object layerKey) {
        ModelMonitor monitor = registry.registerModel(model, "multilayernetwork");
        LayerMonitor layer = registry.registerLayer(layerKey, monitor,
                l -> new LayerDescriptor("hidden1", 1, "DenseLayer", "relu", false));
        float[] values = {0, 1, 0, 2};
        layer.onActivations(new FloatTensorData(FloatBuffer.wrap(values)), 0, new long[]{1, 4}, new long[]{4, 1}, null);
        layer.onGradients(new FloatTensorData(FloatBuffer.wrap(new float[]{0, 3, 0, 4})), 0, new long[]{1, 4},
                new long[]{4, 1}, null);
        monitor.onIterationDone(1.25);
        return layer;
    }

    @Test
    void bindsLayerMetersWithBoundedTags() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        MonitorRegistry registry = new MonitorRegistry(Optional.empty(), new Sampling(1, 1), new MeterPublisher(meters, Optional.empty()));
        Object model = new Object();
        Object layer = new Object();
        oneWindowOfTwoDeadUnits(registry, model, layer);

        assertThat(meters.get("dl4j.layer.units").tag("model", "multilayernetwork-0").tag("layer", "hidden1")
                .tag("layer_index", "1").tag("layer_type", "DenseLayer").tag("activation", "relu").gauge().value())
                .isEqualTo(4);
        assertThat(meters.get("dl4j.layer.dead.units").gauge().value()).isEqualTo(2);
        assertThat(meters.get("dl4j.layer.dead.units.ratio").gauge().value()).isEqualTo(0.5);
        assertThat(meters.get("dl4j.layer.dormant.units").tag("tau", "0.025").gauge().value()).isEqualTo(2);
        assertThat(meters.get("dl4j.layer.dormant.units").tag("tau", "0.1").gauge().value()).isEqualTo(2);
        assertThat(meters.get("dl4j.layer.gradient.norm").gauge().value()).isEqualTo(5);
        assertThat(meters.get("dl4j.layer.zero.gradient.units").gauge().value()).isEqualTo(2);
        assertThat(meters.get("dl4j.training.iterations").functionCounter().count()).isEqualTo(1);
        assertThat(meters.get("dl4j.model.score").gauge().value()).isEqualTo(1.25);
        assertThat(meters.getMeters()).allSatisfy(meter -> assertThat(meter.getId().getTags())
                .noneMatch(tag -> tag.getKey().equals("unit")));
    }

    @Test
    void prometheusNamesFollowTheMetricReference() {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MonitorRegistry registry = new MonitorRegistry(Optional.empty(), new Sampling(1, 1),
                new MeterPublisher(prometheus, Optional.of(new UnitActivityHistogram(prometheus.getPrometheusRegistry()))));
        new AgentMeters(new AgentHealth(new PrintStream(new ByteArrayOutputStream())), registry).bindTo(prometheus);
        Object model = new Object();
        Object layer = new Object();
        oneWindowOfTwoDeadUnits(registry, model, layer);

        String text = prometheus.scrape();

        assertThat(text).contains(
                "dl4j_layer_units{", "dl4j_layer_dead_units{", "dl4j_layer_dead_units_ratio{",
                "dl4j_layer_dormant_units{", "tau=\"0.025\"", "tau=\"0.1\"", "dl4j_layer_saturated_units{",
                "dl4j_layer_activation_mean{", "dl4j_layer_activation_stddev{", "dl4j_layer_activation_zero_ratio{",
                "dl4j_layer_unit_activity_bucket{", "le=\"0.0\"", "le=\"0.01\"", "le=\"0.99\"", "le=\"1.0\"",
                "dl4j_layer_unit_activity_count{",
                "dl4j_layer_gradient_norm{", "dl4j_layer_zero_gradient_units{",
                "dl4j_nonfinite_values_total{", "phase=\"forward\"", "phase=\"backward\"",
                "dl4j_training_iterations_total{model=\"multilayernetwork-0\"} 1",
                "dl4j_model_score{model=\"multilayernetwork-0\"} 1.25",
                "deadunit_agent_overhead_seconds_total ", "deadunit_agent_errors_total ",
                "deadunit_agent_unmonitored_layers_total ");
    }

    @Test
    void layersBeyondMaxLayersGetNoMetersAndAreCounted() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        MonitorRegistry registry = new MonitorRegistry(Optional.empty(), new Sampling(1, 1),
                new MeterPublisher(meters, Optional.empty()), 2);
        ModelMonitor model = registry.registerModel(new Object(), "computationgraph");
        List<Object> layers = List.of(new Object(), new Object(), new Object(), new Object());
        for (Object layer : layers) {
            LayerMonitor monitor = registry.registerLayer(layer, model,
                    l -> new LayerDescriptor("l" + layers.indexOf(l), layers.indexOf(l), "DenseLayer", "relu", false));
            if (monitor != null) {
                monitor.onActivations(new FloatTensorData(FloatBuffer.wrap(new float[]{1})), 0, new long[]{1, 1},
                        new long[]{1, 1}, null);
            }
        }

        assertThat(meters.find("dl4j.layer.units").gauges()).hasSize(2);
        assertThat(registry.unmonitoredLayers()).isEqualTo(2);
    }

    @Test
    void removesEveryMeterOfACollectedModel() throws InterruptedException {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        MonitorRegistry registry = new MonitorRegistry(Optional.empty(), new Sampling(1, 1), new MeterPublisher(meters, Optional.empty()));
        oneWindowOfTwoDeadUnits(registry, new Object(), new Object());
        assertThat(meters.getMeters()).isNotEmpty();

        for (int attempt = 0; attempt < 50 && !meters.getMeters().isEmpty(); attempt++) {
            System.gc();
            Thread.sleep(20);
            registry.expunge();
        }
        assertThat(meters.getMeters()).isEmpty();
    }

    @Test
    void theUnitActivityHistogramKeepsToTheMaxLayersCapOfTheOtherLayerMeters() {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        prometheus.config().meterFilter(MeterFilter.maximumAllowableTags("dl4j.layer", "layer", 1, MeterFilter.deny()));
        MonitorRegistry registry = new MonitorRegistry(Optional.empty(), new Sampling(1, 1),
                new MeterPublisher(prometheus, Optional.of(new UnitActivityHistogram(prometheus.getPrometheusRegistry()))));
        ModelMonitor model = registry.registerModel(new Object(), "multilayernetwork");
        for (String name : List.of("first", "second")) {
            registry.registerLayer(new Object(), model, l -> new LayerDescriptor(name, 0, "DenseLayer", "relu", false))
                    .onActivations(new FloatTensorData(FloatBuffer.wrap(new float[] {0, 1})), 0, new long[] {1, 2},
                            new long[] {2, 1}, null);
        }
        model.onIterationDone(0);

        String text = prometheus.scrape();

        assertThat(text).contains("dl4j_layer_dead_units{", "layer=\"first\"").doesNotContain("layer=\"second\"");
        assertThat(text).contains("dl4j_layer_unit_activity_count{");
    }
}
