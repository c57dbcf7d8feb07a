package io.deadunit.exporter.health;

import java.io.PrintStream;
import java.util.function.Consumer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The agent's own accounting: time spent in its code on training threads, and the failures it swallowed so that
 * training carries on. The first failure is logged, the rest only counted.
 */
public final class AgentHealth {
    private final LongAdder overheadNanos = new LongAdder();
    private final LongAdder observedCalls = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final AtomicBoolean logged = new AtomicBoolean();
    private final AtomicBoolean outOfMemory = new AtomicBoolean();
    private final AtomicBoolean lowHeapLogged = new AtomicBoolean();
    private final LongAdder lowHeapSkips = new LongAdder();
    private volatile Runnable release = () -> { };
    private final Consumer<String> log;

    public AgentHealth(PrintStream log) {
        this(log::println);
    }

    /** @param log where the first error's line goes; the agent passes {@link OffThreadLines}, never blocking */
    public AgentHealth(Consumer<String> log) {
        this.log = log;
    }

    /** Time of one hooked call that did more than the fast-path check (sampled, window close, registration). */
    public void addOverhead(long nanos) {
        overheadNanos.add(nanos);
        observedCalls.increment();
    }

    /** Hooked calls that did more than the fast-path check: how many {@link #addOverhead} timed. */
    public long observedCalls() {
        return observedCalls.sum();
    }

    /**
     * What to do when the agent's own work runs out of memory: stop observing and drop its buffers, so that the
     * memory goes back to training instead of being held (run once, on the first such error).
     */
    public void onOutOfMemory(Runnable releaseState) {
        this.release = releaseState;
    }

    public void recordError(String where, Throwable error) {
        errors.increment();
        if (causedByOutOfMemory(error)) {
            if (outOfMemory.compareAndSet(false, true)) {
                try {
                    release.run();
                } catch (Throwable ignored) {
                    // best effort: the error is counted either way
                }
                logged.set(true);
                log.accept("deadunit: out of memory in " + where + ": monitoring stopped and the agent's buffers"
                        + " released (training continues; counted in deadunit_agent_errors_total; the JMX"
                        + " control's monitoring attribute resumes it)");
            }
            return;
        }
        if (logged.compareAndSet(false, true)) {
            log.accept("deadunit: internal error in " + where + ": " + error
                    + " (training continues; further errors are only counted in deadunit_agent_errors_total)");
        }
    }

    /** An agent buffer was not allocated because the heap was nearly full ({@code Headroom}); one line, once. */
    public void lowHeap(String what) {
        lowHeapSkips.increment();
        if (lowHeapLogged.compareAndSet(false, true)) {
            log.accept("deadunit: too little free heap for " + what + "; skipped so that training keeps the memory"
                    + " (further skips are only counted in deadunit_agent_low_heap_skips_total)");
        }
    }

    public long lowHeapSkips() {
        return lowHeapSkips.sum();
    }

    /** Whether the agent released its state after running out of memory. */
    public boolean releasedForMemory() {
        return outOfMemory.get();
    }

    private static boolean causedByOutOfMemory(Throwable error) {
        Throwable t = error;
        for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                return true;
            }
        }
        return false;
    }

    public double overheadSeconds() {
        return overheadNanos.sum() / 1e9;
    }

    public long errors() {
        return errors.sum();
    }
}
