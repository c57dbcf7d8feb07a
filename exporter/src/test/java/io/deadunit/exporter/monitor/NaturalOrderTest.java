package io.deadunit.exporter.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.deadunit.exporter.stats.FloatTensorData;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NaturalOrderTest {
    @Test
    void digitRunsCompareAsNumbers() {
        List<String> names = new ArrayList<>(List.of("model-12", "model-3", "model", "model-3a", "model-03",
                "multilayernetwork-10", "multilayernetwork-2", "computationgraph-0", "m-99999999999999999999",
                "m-100000000000000000000"));

        names.sort(NaturalOrder.NAMES);

        assertThat(names).containsExactly("computationgraph-0", "m-99999999999999999999", "m-100000000000000000000",
                "model", "model-03", "model-3", "model-3a", "model-12", "multilayernetwork-2", "multilayernetwork-10");
    }

    @Test
    void theExitSummaryListsModelThreeBeforeModelTwelve() {
        MonitorRegistry registry = new MonitorRegistry(Optional.of("net"), new Sampling(1, 1), new MonitorListener() {
        });
        List<Object> keep = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            Object model = new Object();
            keep.add(model);
            ModelMonitor monitor = registry.registerModel(model, "multilayernetwork");
            Object layer = new Object();
            keep.add(layer);
            registry.registerLayer(layer, monitor, l -> new LayerDescriptor("dense", 0, "DenseLayer", "relu", false))
                    .onActivations(new FloatTensorData(FloatBuffer.wrap(new float[] {0, 1})), 0, new long[] {1, 2},
                            new long[] {2, 1}, null);
            monitor.onIterationDone(0);
        }

        String summary = ExitSummary.render(registry.models());

        assertThat(summary.indexOf("  net-3 ")).isPositive().isLessThan(summary.indexOf("  net-12 "));
        assertThat(summary.indexOf("  net ")).isPositive().isLessThan(summary.indexOf("  net-2 "));
        java.lang.ref.Reference.reachabilityFence(keep);
    }
}
