package io.deadunit.exporter.stats;

/**
 * Read-only random access to the elements of a tensor's underlying buffer, by absolute element index.
 * Two implementations (float and double) keep the scanner's call site bimorphic, so the JIT inlines it.
 */
public interface TensorData {
    double get(long index);

    /**
     * Copies {@code n} elements, {@code stride} apart from {@code start}, into {@code dst[0..n)}, so the statistics
     * loop over a plain array. The implementations read contiguous runs ({@code stride} 1) in one bulk read.
     */
    default void read(long start, int n, long stride, double[] dst) {
        for (int i = 0; i < n; i++) {
            dst[i] = get(start + i * stride);
        }
    }
}
