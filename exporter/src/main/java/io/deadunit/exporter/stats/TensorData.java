package io.deadunit.exporter.stats;

/**
 * Read-only random access to the elements of a tensor's underlying buffer, by absolute element index.
 * Two implementations (float and double) keep the scanner's call site bimorphic, so the JIT inlines it.
 */
public interface TensorData {
    double get(long index);
}
