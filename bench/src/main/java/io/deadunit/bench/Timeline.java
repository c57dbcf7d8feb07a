package io.deadunit.bench;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code --timeline S}: a daemon thread of the workload that, every S seconds, prints the iterations done so far,
 * the agent's self-timed seconds (read over HTTP like a scraper) and whether the agent is monitoring: one
 * {@code BENCH tick} line each, from which {@link TimelinePlot} draws throughput and the agent's share over time.
 * It never touches the training thread, which only bumps a counter.
 */
final class Timeline {
    static final AtomicLong ITERATIONS = new AtomicLong();
    /** The phase the training thread is in: measured, active or paused (A/B segments). */
    static volatile String phase = "warmup";

    private Timeline() {
    }

    static void start(double seconds, String metricsUrl) {
        Thread t = new Thread(() -> {
            long start = System.nanoTime();
            try {
                while (true) {
                    Thread.sleep((long) (seconds * 1000));
                    Workload.emit("tick", String.format(Locale.ROOT, "t=%.3f iterations=%d agentSeconds=%.6f phase=%s",
                            (System.nanoTime() - start) / 1e9, ITERATIONS.get(),
                            AgentSegments.agentSelfTime(metricsUrl), phase));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "bench-timeline");
        t.setDaemon(true);
        t.start();
    }
}
