package io.deadunit.bench;

/**
 * Warm-up: at least {@code warmup} seconds and {@code warmupIterations} iterations (capped at 20 s); then
 * {@code seconds} measured; then, in agent runs, {@code abPairs} pairs of {@code abSeconds}-second segments with
 * the agent's monitoring on and off.
 */
record Durations(double warmup, double seconds, int warmupIterations, int abPairs, double abSeconds) {
    Durations(double warmup, double seconds, int warmupIterations) {
        this(warmup, seconds, warmupIterations, 0, 0);
    }

    double abTotal() {
        return abPairs * 2 * (abSeconds + 1);
    }
}
