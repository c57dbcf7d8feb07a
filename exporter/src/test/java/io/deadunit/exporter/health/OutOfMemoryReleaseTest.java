package io.deadunit.exporter.health;

import io.deadunit.exporter.monitor.LayerDescriptor;
import io.deadunit.exporter.monitor.LayerMonitor;
import io.deadunit.exporter.monitor.ModelMonitor;
import io.deadunit.exporter.monitor.MonitorListener;
import io.deadunit.exporter.monitor.MonitorRegistry;
import io.deadunit.exporter.monitor.Sampling;
import io.deadunit.exporter.stats.FloatTensorData;
import io.deadunit.exporter.stats.WeightTracker;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The agent's own allocation failing: it lets go of its memory instead of holding it while training runs on. */
class OutOfMemoryReleaseTest {
    private final List<String> lines = new ArrayList<>();
    private final AgentHealth health = new AgentHealth(lines::add);
    private final Sampling sampling = new Sampling(1, 100);
    private final MonitorRegistry registry = new MonitorRegistry(Optional.empty(), sampling, new MonitorListener() { });

    private LayerMonitor observedLayer() {
        ModelMonitor model = registry.registerModel(new Object(), "multilayernetwork");
        LayerMonitor layer = registry.registerLayer(new Object(), model,
                l -> new LayerDescriptor("dense", 0, "DenseLayer", "relu", false));
        float[] values = {0, 1, 2, 0};
        layer.onActivations(new FloatTensorData(FloatBuffer.wrap(values)), 0, new long[] {1, 4}, new long[] {4, 1},
                null);
        layer.weightTracker().begin(new FloatTensorData(FloatBuffer.wrap(values)), 0, 4);
        return layer;
    }

    @Test
    void anOutOfMemoryErrorStopsMonitoringAndDropsTheBuffersOnceWithOneLine() {
        health.onOutOfMemory(registry::release);
        LayerMonitor layer = observedLayer();
        assertThat(layer.weightTracker().hasCopy()).isTrue();

        health.recordError("forward pass of DenseLayer", new RuntimeException(new OutOfMemoryError("Java heap space")));
        health.recordError("forward pass of DenseLayer", new OutOfMemoryError("Java heap space"));
        health.recordError("backward pass of DenseLayer", new IllegalStateException("later"));

        assertThat(sampling.monitoring()).isFalse();
        assertThat(sampling.anyTrainingSampled()).isFalse();
        assertThat(layer.weightTracker().hasCopy()).isFalse();
        assertThat(health.releasedForMemory()).isTrue();
        assertThat(health.errors()).isEqualTo(3);
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).startsWith("deadunit: out of memory in forward pass of DenseLayer: monitoring stopped");
    }

    @Test
    void otherErrorsReleaseNothing() {
        health.onOutOfMemory(registry::release);
        LayerMonitor layer = observedLayer();

        health.recordError("forward pass of DenseLayer", new IllegalStateException("boom"));

        assertThat(sampling.monitoring()).isTrue();
        assertThat(layer.weightTracker().hasCopy()).isTrue();
        assertThat(health.releasedForMemory()).isFalse();
        assertThat(lines).singleElement().asString().startsWith("deadunit: internal error in forward pass");
    }

    @Test
    void aWeightCopyLargerThanHalfTheFreeHeapIsNotAllocated() {
        WeightTracker tracker = new WeightTracker();
        Runtime runtime = Runtime.getRuntime();
        long free = runtime.maxMemory() - (runtime.totalMemory() - runtime.freeMemory());
        // More floats than half the free heap can hold: only the length is looked at before allocating.
        long tooMany = Math.min(Integer.MAX_VALUE, free / 2 / Float.BYTES + 1);
        FloatTensorData data = new FloatTensorData(FloatBuffer.wrap(new float[4]));

        assertThat(tracker.begin(data, 0, tooMany)).isFalse();
        assertThat(tracker.hasCopy()).isFalse();
        assertThat(tracker.begin(data, 0, 4)).isTrue();
        assertThat(tracker.hasCopy()).isTrue();

        health.lowHeap("the weight copy of layer dense");
        health.lowHeap("the weight copy of layer dense");
        assertThat(health.lowHeapSkips()).isEqualTo(2);
        assertThat(lines).singleElement().asString().startsWith("deadunit: too little free heap for the weight copy");
    }
}
