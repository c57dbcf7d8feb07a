package io.deadunit.exporter.report;

import io.deadunit.exporter.monitor.LayerDescriptor;
import io.deadunit.exporter.monitor.LayerMonitor;
import io.deadunit.exporter.monitor.ModelMonitor;
import io.deadunit.exporter.monitor.MonitorRegistry;
import io.deadunit.exporter.stats.FloatTensorData;

import java.nio.FloatBuffer;

/**
 * A three-layer model fed tensors whose answer is known, for tests of the reports. Holds the keys the registry
 * maps weakly, so nothing is collected mid-test.
 *
 * <ul>
 *   <li>{@code dense} (relu, 5 units, batch of 2): unit 0 never fires (dead); units 2 and 4 fire a little
 *       (dormancy scores 0.009 and 0.089); firing rates 0, 1, 0.5, 1, 1.</li>
 *   <li>{@code gate} (sigmoid, 2 units): unit 0 sits at the upper bound (saturated).</li>
 *   <li>{@code out} (softmax): registered, never fed, so it has no closed window.</li>
 * </ul>
 */
public final class KnownNetwork {
    public static final String MODEL = "multilayernetwork-0";
    public final Object model = new Object();
    private final Object dense = new Object();
    private final Object gate = new Object();
    private final Object out = new Object();

    /** Registers the model and its layers and closes one window; the registry must sample every iteration. */
    public ModelMonitor observeOneWindow(MonitorRegistry registry) {
        ModelMonitor monitor = registry.registerModel(model, "multilayernetwork");
        LayerMonitor denseLayer = registry.registerLayer(dense, monitor,
                l -> new LayerDescriptor("dense", 0, "DenseLayer", "relu", false));
        LayerMonitor gateLayer = registry.registerLayer(gate, monitor,
                l -> new LayerDescriptor("gate", 1, "DenseLayer", "sigmoid", false));
        registry.registerLayer(out, monitor, l -> new LayerDescriptor("out", 2, "OutputLayer", "softmax", false));
        feed(denseLayer, 2, 0, 1, 0.02f, 3, 0.1f,
                0, 2, 0, 5, 0.1f);
        feed(gateLayer, 2, 1.0f, 0.5f,
                0.999f, 0.4f);
        monitor.onIterationDone(0.25);
        return monitor;
    }

    /** A {@code [batch × units]} tensor, row-major. */
    public static void feed(LayerMonitor layer, int batch, float... values) {
        int units = values.length / batch;
        layer.onActivations(new FloatTensorData(FloatBuffer.wrap(values)), 0, new long[]{batch, units},
                new long[]{units, 1}, null);
    }
}
