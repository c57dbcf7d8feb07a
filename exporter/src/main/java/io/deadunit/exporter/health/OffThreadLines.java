package io.deadunit.exporter.health;

import java.io.PrintStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Lines the agent prints from training threads (a diagnosis, the first internal error) go through here: the
 * training thread only offers the line to a bounded queue and a daemon thread writes it. A blocked or slow stderr
 * (a full pipe, a terminal on hold) never stalls training; when the queue is full the line is dropped and counted.
 */
public final class OffThreadLines implements Consumer<String> {
    static final int CAPACITY = 256;

    private final PrintStream out;
    private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong offered = new AtomicLong();
    private final Thread writer;

    public OffThreadLines(PrintStream out) {
        this.out = out;
        this.writer = AgentThreads.daemon(this::drain, "deadunit-log");
        writer.start();
    }

    /** Never blocks. */
    @Override
    public void accept(String line) {
        if (queue.offer(line)) {
            offered.incrementAndGet();
        } else {
            dropped.incrementAndGet();
        }
    }

    /** Lines dropped because the queue was full. */
    public long dropped() {
        return dropped.get();
    }

    /** Waits up to {@code millis} for the lines offered so far to be written (e.g. before the exit summary). */
    public void flush(long millis) {
        long target = offered.get();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (written.get() < target && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void drain() {
        while (true) {
            try {
                String line = queue.take();
                out.println(line);
                written.incrementAndGet();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                written.incrementAndGet(); // a broken stream: nothing more to do for this line
            }
        }
    }
}
