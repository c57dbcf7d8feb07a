package io.deadunit.exporter.monitor;

import io.deadunit.exporter.stats.FloatTensorData;
import io.deadunit.exporter.stats.WeightStats;
import io.deadunit.exporter.stats.WeightTracker;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Gets the monitors' code compiled before a user's early windows pay for it interpreted: the per-tensor path
 * (copy, hand-over, scan) runs a few dozen times per window and the per-window path (close, snapshot, weight
 * comparison) once, so without this the JIT compiles them only after minutes of training. A synthetic model of two
 * small layers, never registered with the exporter and never published (its own registry, sampling and a listener
 * that does nothing, and a statistics thread of its own, or none when the exporter's updates run inline), trains
 * {@value #ITERATIONS} iterations through the same code, on an agent thread once a real model has trained two
 * iterations (so that it adds nothing to start-up); its windows close every other iteration. It costs about 0.3 s
 * of the agent's threads' CPU once (measured in a fresh JVM, class loading included; counted in
 * {@code deadunit_agent_cpu_seconds_total}) and the JIT's compilations, which training would otherwise trigger
 * later.
 */
public final class WarmUp {
    static final int ITERATIONS = 600;
    private static final int BATCH = 32;
    private static final int UNITS = 64;
    private static final int INPUTS = 64;
    private static final long RATIO_ELEMENTS = 8_192;

    private WarmUp() {
    }

    /**
     * Runs the synthetic model through a statistics thread of its own (the same code as the exporter's, so that the
     * exporter's thread and its pool of copies never wait on it), then ends that thread.
     */
    public static void run(long copyBudgetBytes, BiConsumer<String, Throwable> errors) {
        WindowUpdates updates = WindowUpdates.background(copyBudgetBytes, errors);
        try {
            run(updates);
        } finally {
            updates.close();
        }
    }

    /** Runs the synthetic model with every update on the calling thread (no statistics thread). */
    public static void runHere() {
        run(WindowUpdates.inline());
    }

    /** Runs the synthetic model through {@code updates} and waits for them. */
    static void run(WindowUpdates updates) {
        run(updates, ITERATIONS);
    }

    private static void run(WindowUpdates updates, int iterations) {
        MonitorRegistry registry = new MonitorRegistry(Optional.of("deadunit-warm-up"), new Sampling(1, 2),
                new MonitorListener() {
                }, 2, Diagnostics.quiet(), updates);
        ModelMonitor model = registry.registerModel(new Object(), "warm-up");
        LayerMonitor[] layers = {
                registry.registerLayer(new Object(), model, l -> new LayerDescriptor("a", 0, "DenseLayer", "relu",
                        false)),
                registry.registerLayer(new Object(), model, l -> new LayerDescriptor("b", 1, "DenseLayer", "tanh",
                        false)),
        };
        FloatTensorData activations = direct(BATCH * UNITS, true);
        FloatTensorData gradients = direct(BATCH * UNITS, false);
        FloatBuffer weightMemory = buffer(2 * INPUTS * UNITS, false);
        FloatTensorData weights = new FloatTensorData(weightMemory);
        FloatTensorData biases = direct(UNITS, false);
        long[] shape = {BATCH, UNITS};
        long[] stride = {UNITS, 1};
        long[] weightShape = {INPUTS, UNITS};
        long[] weightStride = {1, INPUTS};
        int weightLength = INPUTS * UNITS;
        IterationEnd end = new IterationEnd() {
            @Override
            public void recordWeights(boolean updateRatio, boolean closes) {
                for (LayerMonitor layer : layers) {
                    if (updateRatio) {
                        double[] sums = new double[2];
                        WeightStats.addStep(weights, 0, weights, weightLength, weightLength, RATIO_ELEMENTS, sums);
                        layer.onUpdateRatio(WeightStats.updateRatio(sums));
                    }
                    if (closes) {
                        layer.onStagnantUnits(layer.weightTracker().stagnantUnits(weights, 0, weightShape,
                                weightStride, 1));
                        layer.onLearningRate(1e-3);
                        double[] values = new double[UNITS];
                        biases.read(0, UNITS, 1, values);
                        layer.onBiases(values);
                    }
                }
            }

            @Override
            public void beginWindow() {
                for (LayerMonitor layer : layers) {
                    WeightTracker tracker = layer.weightTracker();
                    tracker.begin(weights, 0, weightLength);
                }
            }
        };
        for (int iteration = 0; iteration < iterations; iteration++) {
            for (LayerMonitor layer : layers) {
                if (layer.isSampling(true)) {
                    layer.onActivations(activations, 0, shape, stride, null);
                }
            }
            for (int i = layers.length - 1; i >= 0; i--) {
                if (layers[i].isSampling(true)) {
                    layers[i].onGradients(gradients, 0, shape, stride, null);
                }
            }
            // some weights move, some units stay put: both outcomes of the comparison
            weightMemory.put(iteration % weightLength, iteration);
            model.onIterationDone(0.5, end);
        }
        updates.awaitIdle(TimeUnit.SECONDS.toNanos(5));
    }

    private static FloatTensorData direct(int n, boolean halfZero) {
        return new FloatTensorData(buffer(n, halfZero));
    }

    /** A direct buffer, as the agent's views of ND4J's memory are: zeros every other element or none. */
    private static FloatBuffer buffer(int n, boolean halfZero) {
        FloatBuffer buffer = ByteBuffer.allocateDirect(n * Float.BYTES).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        for (int i = 0; i < n; i++) {
            buffer.put(i, halfZero && i % 2 == 0 ? 0f : (float) Math.sin(i));
        }
        return buffer;
    }
}
