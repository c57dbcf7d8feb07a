package io.deadunit.exporter.stats;

/**
 * Whether a buffer of the agent's fits in the heap the trainer still has: a new buffer may take at most half of
 * what is free below {@code -Xmx}. Conservative (garbage not yet collected counts as used), so near its limit the
 * agent gives up a buffer rather than take memory training needs next.
 */
public final class Headroom {
    private Headroom() {
    }

    public static boolean fits(long bytes) {
        Runtime runtime = Runtime.getRuntime();
        long free = runtime.maxMemory() - (runtime.totalMemory() - runtime.freeMemory());
        return bytes <= free / 2;
    }
}
