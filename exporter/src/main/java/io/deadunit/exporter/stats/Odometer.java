package io.deadunit.exporter.stats;

/**
 * Steps through the outer dimensions {@code [0, dims)} of a {@link Layout}, innermost of them fastest, keeping the
 * absolute start of the current run and the unit it belongs to (0 when the unit axis is not among them).
 */
final class Odometer {
    private final Layout layout;
    private final long[] counters;
    private long start;
    private int unit;

    Odometer(Layout layout, int dims, long offset) {
        this.layout = layout;
        this.counters = new long[dims];
        this.start = offset;
    }

    long start() {
        return start;
    }

    int unit() {
        return unit;
    }

    /** Moves to the next run; false once every run was visited. */
    boolean next() {
        int k = counters.length - 1;
        while (k >= 0) {
            counters[k]++;
            start += layout.stride[k];
            if (k == layout.unitDim) {
                unit++;
            }
            if (counters[k] < layout.size[k]) {
                return true;
            }
            start -= layout.stride[k] * layout.size[k];
            if (k == layout.unitDim) {
                unit = 0;
            }
            counters[k] = 0;
            k--;
        }
        return false;
    }
}
