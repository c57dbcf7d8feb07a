package io.deadunit.exporter.monitor;

import io.deadunit.exporter.stats.FloatTensorData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class WindowUpdatesTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final WindowUpdates background = WindowUpdates.background(1 << 20,
            (what, error) -> errors.add(what + ": " + error.getMessage()));

    @AfterEach
    void close() {
        background.close();
    }

    private static FloatBuffer direct(float... values) {
        FloatBuffer buffer = ByteBuffer.allocateDirect(values.length * Float.BYTES).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        buffer.put(values).clear();
        return buffer;
    }

    /** The tensor's elements as the scan saw them, and on which thread. */
    private WindowUpdates.TensorScan recorder(String name) {
        return (data, offset, shape, stride) -> {
            StringBuilder seen = new StringBuilder(name).append(' ').append(Thread.currentThread().getName());
            for (long i = 0; i < shape[0] * shape[1]; i++) {
                seen.append(' ').append((int) data.get(offset + i));
            }
            log.add(seen.toString());
        };
    }

    @Test
    void aTensorIsScannedInTheBackgroundFromACopyTakenDuringTheCall() {
        FloatBuffer memory = direct(9, 1, 2, 3, 4, 9);
        AtomicInteger owner = new AtomicInteger();
        background.scan(owner, new FloatTensorData(memory), 1, new long[] {2, 2}, new long[] {2, 1},
                recorder("a"));
        for (int i = 0; i < 6; i++) {
            memory.put(i, -1); // training reuses the memory as soon as the hook returns
        }
        assertThat(background.awaitIdle(10 * SECOND)).isTrue();
        assertThat(log).containsExactly("a deadunit-statistics 1 2 3 4");
        assertThat(owner.get()).isZero();
    }

    @Test
    void updatesOfAnOwnerRunInOrderAndATensorWithoutACopyWaitsForThem() throws Exception {
        WindowUpdates noCopies = WindowUpdates.background(0, (what, error) -> errors.add(what));
        try {
            AtomicInteger owner = new AtomicInteger();
            CountDownLatch release = new CountDownLatch(1);
            noCopies.submit(owner, () -> {
                await(release);
                log.add("first " + Thread.currentThread().getName());
            });
            noCopies.submit(owner, () -> log.add("second"));
            Thread releaser = new Thread(() -> {
                sleep(200);
                release.countDown();
            });
            releaser.start();
            // No budget for a copy: scanned on this thread, once both updates before it ran.
            noCopies.scan(owner, new FloatTensorData(direct(5, 6)), 0, new long[] {1, 2}, new long[] {2, 1},
                    recorder("scan"));
            assertThat(log).containsExactly("first deadunit-statistics", "second",
                    "scan " + Thread.currentThread().getName() + " 5 6");
            releaser.join();
        } finally {
            noCopies.close();
        }
        assertThat(errors).isEmpty();
    }

    @Test
    void aFailingUpdateIsReportedAndTheNextOnesRun() {
        AtomicInteger owner = new AtomicInteger();
        background.submit(owner, () -> {
            throw new IllegalStateException("broken");
        });
        background.submit(owner, () -> log.add("after"));
        assertThat(background.awaitIdle(10 * SECOND)).isTrue();
        assertThat(errors).containsExactly("window statistics: broken");
        assertThat(log).containsExactly("after");
    }

    @Test
    void afterCloseUpdatesRunOnTheCallersThread() {
        AtomicInteger owner = new AtomicInteger();
        background.submit(owner, () -> log.add("queued " + Thread.currentThread().getName()));
        background.close();
        assertThat(log).as("run before close returned").containsExactly("queued deadunit-statistics");
        background.submit(owner, () -> log.add("later " + Thread.currentThread().getName()));
        assertThat(log).last().isEqualTo("later " + Thread.currentThread().getName());
    }

    @Test
    void inlineRunsEverythingAtOnce() {
        WindowUpdates inline = WindowUpdates.inline();
        AtomicInteger owner = new AtomicInteger();
        FloatBuffer memory = direct(7, 8);
        inline.scan(owner, new FloatTensorData(memory), 0, new long[] {1, 2}, new long[] {2, 1}, recorder("s"));
        inline.submit(owner, () -> log.add("u"));
        assertThat(log).containsExactly("s " + Thread.currentThread().getName() + " 7 8", "u");
        assertThat(inline.copyBytes()).isZero();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
