package io.deadunit.exporter.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.deadunit.exporter.meters.AgentMeters;
import io.deadunit.exporter.monitor.LayerMonitor;
import io.deadunit.exporter.monitor.ModelMonitor;
import io.deadunit.exporter.monitor.MonitorRegistry;
import io.deadunit.exporter.monitor.MonitorListener;
import io.deadunit.exporter.monitor.Sampling;
import io.deadunit.exporter.stats.LayerSnapshot;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

class AgentThreadsTest {
    static final long BURN_NANOS = 100_000_000L;

    @Test
    void theCpuOfTheAgentsThreadsIsCountedWhileTheyRunAndAfterTheyEnd() throws InterruptedException {
        assumeThat(ManagementFactory.getThreadMXBean().isThreadCpuTimeSupported()).isTrue();
        double before = AgentThreads.cpuSeconds();
        CountDownLatch burnt = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread thread = AgentThreads.daemon(() -> {
            burn();
            burnt.countDown();
            awaitQuietly(release);
        }, "deadunit-test");
        assertThat(thread.isDaemon()).isTrue();
        thread.start();
        burnt.await();
        assertThat(AgentThreads.cpuSeconds() - before).as("while it lives").isGreaterThanOrEqualTo(BURN_NANOS / 1e9);
        release.countDown();
        thread.join();
        assertThat(AgentThreads.cpuSeconds() - before).as("after it ended").isGreaterThanOrEqualTo(BURN_NANOS / 1e9);
    }

    @Test
    void theMetersCountObservedCallsAndTheThreadsCpu() {
        AgentHealth health = new AgentHealth(new PrintStream(new java.io.ByteArrayOutputStream()));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MonitorListener quiet = new MonitorListener() { };
        new AgentMeters(health, new MonitorRegistry(Optional.empty(), new Sampling(1, 1), quiet)).bindTo(registry);
        health.addOverhead(1_000);
        health.addOverhead(2_000);
        assertThat(registry.get("deadunit.agent.observed.calls").functionCounter().count()).isEqualTo(2);
        assertThat(registry.get("deadunit.agent.overhead").functionCounter().count()).isEqualTo(3e-6);
        assertThat(registry.get("deadunit.agent.cpu").functionCounter().count()).isGreaterThanOrEqualTo(0);
    }

    /** Spins until this thread has used BURN_NANOS of CPU (not wall) time, however loaded the machine. */
    private static void burn() {
        long start = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        long x = 0;
        while (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - start < BURN_NANOS) {
            x += System.nanoTime() % 7;
        }
        if (x == 42) {
            System.out.print("");
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
