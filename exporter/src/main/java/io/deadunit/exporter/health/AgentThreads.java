package io.deadunit.exporter.health;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The threads the agent starts (start-up, publishing, endpoint requests), and the CPU time they used: the part of
 * the agent's cost that is not on training threads ({@code deadunit_agent_cpu_seconds_total}). A thread's time is
 * read while it lives and added up when it ends, so threads that come and go (idle request threads) are counted
 * too. JVM-wide: threads are.
 */
public final class AgentThreads {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final Set<Thread> LIVE = ConcurrentHashMap.newKeySet();
    private static final LongAdder ENDED_NANOS = new LongAdder();

    private AgentThreads() {
    }

    /** A daemon thread of the agent's, counted in {@link #cpuSeconds()}. */
    public static Thread daemon(Runnable task, String name) {
        return daemon(task, name, 0);
    }

    /** The same with its own stack size in bytes (0: the JVM's default). */
    public static Thread daemon(Runnable task, String name, long stackBytes) {
        Thread thread = new Thread(null, () -> {
            LIVE.add(Thread.currentThread());
            try {
                task.run();
            } finally {
                ENDED_NANOS.add(Math.max(0, currentThreadCpuNanos()));
                LIVE.remove(Thread.currentThread());
            }
        }, name, stackBytes);
        thread.setDaemon(true);
        return thread;
    }

    /** CPU time of the agent's threads so far, ended and live; 0 where the JVM does not measure thread CPU. */
    public static double cpuSeconds() {
        long nanos = ENDED_NANOS.sum();
        for (Thread thread : LIVE) {
            long t = threadCpuNanos(thread);
            if (t > 0) {
                nanos += t;
            }
        }
        return nanos / 1e9;
    }

    private static long currentThreadCpuNanos() {
        try {
            return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : 0;
        } catch (UnsupportedOperationException e) {
            return 0;
        }
    }

    @SuppressWarnings("deprecation") // Thread.threadId() is JDK 19+; the agent runs on 11+
    private static long threadCpuNanos(Thread thread) {
        try {
            return THREADS.isThreadCpuTimeSupported() ? THREADS.getThreadCpuTime(thread.getId()) : 0;
        } catch (UnsupportedOperationException e) {
            return 0;
        }
    }
}
