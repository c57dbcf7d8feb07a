package io.deadunit.exporter.monitor;

import io.deadunit.exporter.health.AgentThreads;
import io.deadunit.exporter.stats.TensorCopies;
import io.deadunit.exporter.stats.TensorData;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;

/**
 * Where the layers' windows are updated: in order on the agent's statistics thread ({@link #background}), or on the
 * calling thread ({@link #inline}). In the background, a training thread only copies each sampled tensor (one bulk
 * copy) and hands over the window's weight evidence and its close; the scans, snapshots, meters and diagnoses run
 * on {@code deadunit-statistics}, whose CPU counts in {@code deadunit_agent_cpu_seconds_total}. Updates of one
 * owner (a model: one training thread) run in the order submitted, and one at a time, so a window is still touched
 * by one thread at a time. A tensor that gets no copy is scanned on the calling thread once its owner's earlier
 * updates are done.
 */
public final class WindowUpdates implements AutoCloseable {
    /** Longest a caller waits for its owner's updates before it gives up on the background thread for good. */
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** Most updates waiting: beyond, a caller waits (the thread is far behind: it normally keeps none waiting). */
    private static final int MAX_WAITING = 4096;
    private static final long NAP_MIN_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long NAP_MAX_NANOS = TimeUnit.MILLISECONDS.toNanos(16);
    private static final long DEEP_SLEEP_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** How often a waiting caller looks again. */
    private static final long POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

    private final TensorCopies copies;
    private final BiConsumer<String, Throwable> errors;
    private final Queue<Update> queue = new ConcurrentLinkedQueue<>();
    // Updates handed to the thread, and those it ran: their difference is what waits.
    private final AtomicLong submitted = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private volatile boolean inline;
    private volatile boolean sleeping;
    private volatile boolean stalled;
    private volatile Thread thread;

    private WindowUpdates(TensorCopies copies, BiConsumer<String, Throwable> errors, boolean inline) {
        this.copies = copies;
        this.errors = errors;
        this.inline = inline;
    }

    /** Every update on the calling thread (the monitors' own tests, and revive=true, which reads a window at once). */
    public static WindowUpdates inline() {
        return new WindowUpdates(new TensorCopies(0), (where, error) -> { }, true);
    }

    /**
     * @param copyBudgetBytes most bytes of tensor copies held
     * @param errors          where a failed update is counted and logged: (what, error)
     */
    public static WindowUpdates background(long copyBudgetBytes, BiConsumer<String, Throwable> errors) {
        WindowUpdates updates = new WindowUpdates(new TensorCopies(copyBudgetBytes), errors, false);
        // Started here, by whoever sets the agent up, not by the first training thread to submit: a thread takes
        // its creator's context class loader (and access context), which would pin an application's loader.
        updates.start();
        return updates;
    }

    /** Runs {@code update} after every update {@code owner} submitted before it. */
    public void submit(AtomicInteger owner, Runnable update) {
        if (inline) {
            runHere(owner, update);
            return;
        }
        if (waiting() >= MAX_WAITING && !awaitBelow(MAX_WAITING)) {
            runHere(owner, update);
            return;
        }
        owner.incrementAndGet();
        submitted.incrementAndGet();
        queue.add(new Update(owner, update));
        Thread running = thread;
        if (running == null) {
            start();
        } else if (sleeping) {
            LockSupport.unpark(running);
        }
    }

    /**
     * Scans a tensor that is valid only during this call: a copy is scanned in the background; without one, the
     * tensor is scanned here.
     */
    public void scan(AtomicInteger owner, TensorData data, long offset, long[] shape, long[] stride, TensorScan scan) {
        TensorCopies.Copy copy = inline ? null : copies.copy(data, offset, shape, stride);
        if (copy == null) {
            runHere(owner, () -> scan.scan(data, offset, shape, stride));
            return;
        }
        long[] copiedShape = shape.clone();
        long[] copiedStride = stride.clone();
        submit(owner, () -> {
            try {
                scan.scan(copy.data(), copy.offset(), copiedShape, copiedStride);
            } finally {
                copies.release(copy);
            }
        });
    }

    /** Whether updates run on the thread that submits them (no statistics thread, or no longer one). */
    public boolean onCallingThread() {
        return inline;
    }

    /** Bytes of tensor copies held (in use and pooled). */
    public long copyBytes() {
        return copies.allocatedBytes();
    }

    /**
     * Waits until every update submitted so far has run, later ones too (nothing is left waiting); true when that
     * happened within {@code timeoutNanos}.
     */
    public boolean awaitIdle(long timeoutNanos) {
        return awaitThread(() -> waiting() == 0, timeoutNanos);
    }

    /**
     * Waits until the updates submitted before this call have run (not later ones: training goes on meanwhile), so
     * that a reader sees every window closed so far; true when they did within {@code timeoutNanos}.
     */
    public boolean awaitSubmitted(long timeoutNanos) {
        long target = submitted.get();
        return awaitThread(() -> completed.get() >= target, timeoutNanos);
    }

    private long waiting() {
        return submitted.get() - completed.get();
    }

    /** Runs what is waiting, then every later update on its caller's thread. */
    @Override
    public void close() {
        awaitIdle(TimeUnit.SECONDS.toNanos(1));
        inline = true;
        Thread running = thread;
        if (running != null) {
            LockSupport.unpark(running);
        }
    }

    /** On the calling thread, once the owner's earlier updates ran (they may be under way in the background). */
    private void runHere(AtomicInteger owner, Runnable update) {
        if (Thread.currentThread() == thread) {
            update.run(); // an update's own consequence (running out of memory releases the windows): in order
            return;
        }
        if (owner.get() > 0 && !stalled && !awaitThread(() -> owner.get() == 0 || stalled, STALL_NANOS)) {
            // Not expected: the thread runs one short update at a time. Rather than wait for ever (or touch a
            // window it may still hold), stop using it and drop this update; later ones run here, unwaited.
            stalled = true;
            inline = true;
            errors.accept("window updates (the statistics thread stalled)",
                    new IllegalStateException(owner.get() + " updates waiting"));
            return;
        }
        update.run();
    }

    private boolean awaitBelow(int limit) {
        return awaitThread(() -> waiting() < limit, STALL_NANOS);
    }

    /**
     * Wakes the thread, then waits until {@code done} holds, looking again every {@link #POLL_NANOS}; false when it
     * did not within {@code timeoutNanos}.
     */
    private boolean awaitThread(BooleanSupplier done, long timeoutNanos) {
        if (done.getAsBoolean()) {
            return true;
        }
        wake();
        long deadline = System.nanoTime() + timeoutNanos;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
        return true;
    }

    private synchronized void start() {
        if (thread == null) {
            Thread started = AgentThreads.daemon(this::work, "deadunit-statistics");
            started.setContextClassLoader(WindowUpdates.class.getClassLoader());
            started.start();
            thread = started;
        }
    }

    /**
     * Runs what is waiting, then naps. Training threads do not wake it: waking a parked thread costs tens of
     * microseconds of the waker's time on a virtual machine (an inter-processor interrupt), more than a scan. It
     * naps {@link #NAP_MIN_NANOS} after work, twice longer after each empty look up to {@link #NAP_MAX_NANOS}, and
     * after {@link #DEEP_SLEEP_NANOS} without work sleeps until a submit wakes it (then once).
     */
    private void work() {
        long nap = NAP_MIN_NANOS;
        long idleSince = System.nanoTime() - DEEP_SLEEP_NANOS; // nothing to do until training starts
        while (true) {
            Update next = queue.poll();
            if (next != null) {
                run(next);
                nap = NAP_MIN_NANOS;
                idleSince = System.nanoTime();
                continue;
            }
            if (inline && queue.isEmpty()) {
                return;
            }
            if (System.nanoTime() - idleSince < DEEP_SLEEP_NANOS) {
                LockSupport.parkNanos(this, nap);
                nap = Math.min(NAP_MAX_NANOS, nap * 2);
            } else {
                sleeping = true;
                if (queue.isEmpty()) {
                    LockSupport.parkNanos(this, DEEP_SLEEP_NANOS);
                }
                sleeping = false;
            }
        }
    }

    private void run(Update next) {
        try {
            next.update.run();
        } catch (Throwable t) {
            errors.accept("window statistics", t);
        } finally {
            next.owner.decrementAndGet();
            completed.incrementAndGet();
        }
    }

    /** Whoever waits for the thread wakes it. */
    private void wake() {
        Thread running = thread;
        if (running != null) {
            LockSupport.unpark(running);
        }
    }

    /** A scan of a tensor's elements, as {@link io.deadunit.exporter.stats.UnitScanner#scan} takes them. */
    @FunctionalInterface
    public interface TensorScan {
        void scan(TensorData data, long offset, long[] shape, long[] stride);
    }

    private static final class Update {
        final AtomicInteger owner;
        final Runnable update;

        Update(AtomicInteger owner, Runnable update) {
            this.owner = owner;
            this.update = update;
        }
    }
}
