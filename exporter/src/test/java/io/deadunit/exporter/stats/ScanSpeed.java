package io.deadunit.exporter.stats;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Random;

/**
 * Scan speed in ns per element over the layouts DL4J hands the agent during fit (not a test: a main, run by hand,
 * see bench/README.md "Scan speed"). Buffers are direct, like ND4J's. Each figure is the best of several rounds, so
 * that a loaded machine shows as little as possible; compare figures from the same machine only.
 *
 * <pre>mvn -B -q -pl exporter test-compile
 * java -cp exporter/target/classes:exporter/target/test-classes io.deadunit.exporter.stats.ScanSpeed</pre>
 */
public final class ScanSpeed {
    /** Only layouts whose name contains this (second argument). */
    private static String filter = "";

    private ScanSpeed() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        filter = args.length > 1 ? args[1] : "";
        ActivationBounds relu = ActivationBounds.UNBOUNDED;
        ActivationBounds sigmoid = ActivationBounds.forActivation("sigmoid");
        System.out.printf("%-44s %10s %10s%n", "layout", "ns/elem", "µs/tensor");
        run("mlp dense [64,256] c, relu", new long[]{64, 256}, new long[]{256, 1}, 1, relu, null, rounds);
        run("mlp dense [64,256] c, sigmoid", new long[]{64, 256}, new long[]{256, 1}, 1, sigmoid, null, rounds);
        run("mlp gradient [64,256] c", new long[]{64, 256}, new long[]{256, 1}, 1, null, null, rounds);
        run("dense [64,256] f", new long[]{64, 256}, new long[]{1, 64}, 1, relu, null, rounds);
        run("cnn conv1 [64,20,24,24] NCHW c", new long[]{64, 20, 24, 24}, new long[]{11520, 576, 24, 1}, 1, relu,
                null, rounds);
        run("cnn conv1 [64,20,24,24] fit (CNHW memory)", new long[]{64, 20, 24, 24},
                new long[]{576, 36864, 24, 1}, 1, relu, null, rounds);
        run("cnn conv2 [64,50,8,8] NCHW c", new long[]{64, 50, 8, 8}, new long[]{3200, 64, 8, 1}, 1, relu, null,
                rounds);
        run("cnn conv1 [64,24,24,20] NHWC c", new long[]{64, 24, 24, 20}, new long[]{11520, 480, 20, 1}, 3, relu,
                null, rounds);
        run("lstm [64,64,20] NCW f, tanh", new long[]{64, 64, 20}, new long[]{1, 64, 4096}, 1,
                ActivationBounds.forActivation("tanh"), null, rounds);
        run("lstm epsilon [64,64,20] stride [1,1280,64]", new long[]{64, 64, 20}, new long[]{1, 1280, 64}, 1, null,
                null, rounds);
        float[] mask = new float[64 * 20];
        for (int b = 0; b < 64; b++) {
            for (int t = 0; t < 20 - b % 10; t++) {
                mask[b * 20 + t] = 1;
            }
        }
        run("lstm [64,64,20] NCW f, tanh, masked", new long[]{64, 64, 20}, new long[]{1, 64, 4096}, 1,
                ActivationBounds.forActivation("tanh"), mask, rounds);
        run("lstm [64,20,64] NWC c, tanh, masked", new long[]{64, 20, 64}, new long[]{1280, 64, 1}, 2,
                ActivationBounds.forActivation("tanh"), mask, rounds);
    }

    /** bounds null: a gradient accumulator. */
    private static void run(String name, long[] shape, long[] stride, int unitAxis, ActivationBounds bounds,
                            float[] mask, int rounds) {
        if (!name.contains(filter)) {
            return;
        }
        long elements = 1;
        long span = 1;
        for (int k = 0; k < shape.length; k++) {
            elements *= shape[k];
            span += (shape[k] - 1) * stride[k];
        }
        FloatBuffer buffer = ByteBuffer.allocateDirect((int) span * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        Random random = new Random(7);
        for (int i = 0; i < span; i++) {
            buffer.put(i, random.nextDouble() < 0.4 ? 0f : (float) random.nextGaussian());
        }
        FloatTensorData data = new FloatTensorData(buffer);
        UnitAccumulator acc = bounds == null ? UnitAccumulator.forGradients() : new UnitAccumulator(bounds);
        int timeAxis = unitAxis == 1 ? 2 : 1;
        int reps = (int) Math.max(1, 2_000_000 / elements);
        double best = Double.MAX_VALUE;
        // Warm-up: on a loaded machine the JIT's compiler threads need a while before the scan runs compiled.
        long warmUntil = System.nanoTime() + 1_500_000_000L;
        while (System.nanoTime() < warmUntil) {
            if (mask == null) {
                UnitScanner.scan(data, 0, shape, stride, unitAxis, acc);
            } else {
                UnitScanner.scanMasked(data, 0, shape, stride, unitAxis, timeAxis, mask, acc);
            }
            acc.reset();
        }
        for (int round = 0; round < rounds; round++) {
            long start = System.nanoTime();
            for (int r = 0; r < reps; r++) {
                if (mask == null) {
                    UnitScanner.scan(data, 0, shape, stride, unitAxis, acc);
                } else {
                    UnitScanner.scanMasked(data, 0, shape, stride, unitAxis, timeAxis, mask, acc);
                }
            }
            best = Math.min(best, (System.nanoTime() - start) / (double) reps);
            acc.reset();
        }
        System.out.printf("%-44s %10.3f %10.1f%n", name, best / elements, best / 1000);
    }
}
