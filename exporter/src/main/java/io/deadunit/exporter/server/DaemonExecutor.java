package io.deadunit.exporter.server;

import io.deadunit.exporter.health.AgentThreads;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The endpoint's request threads: few, so a scrape never competes with training for more than a core or two;
 * daemon, so they never keep the JVM alive after the trainer's {@code main} returns. The JDK server starts its
 * dispatcher from one of these threads, which makes the dispatcher a daemon too.
 */
final class DaemonExecutor {
    static final int THREADS = 2;
    private static final int QUEUED_REQUESTS = 16;
    private static final long IDLE_SECONDS = 60;

    private DaemonExecutor() {
    }

    static ExecutorService create() {
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(THREADS, THREADS, IDLE_SECONDS, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUED_REQUESTS),
                runnable -> AgentThreads.daemon(runnable, "deadunit-http-" + count.incrementAndGet()),
                // A full queue slows the dispatcher down instead of dropping connections on the floor.
                new ThreadPoolExecutor.CallerRunsPolicy());
        // Scrapes come every few seconds at most; idle threads need not stay.
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }
}
