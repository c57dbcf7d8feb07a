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

    public void recordError(String where, Throwable error) {
        errors.increment();
        if (logged.compareAndSet(false, true)) {
            log.accept("deadunit: internal error in " + where + ": " + error
                    + " (training continues; further errors are only counted in deadunit_agent_errors_total)");
        }
    }

    public double overheadSeconds() {
        return overheadNanos.sum() / 1e9;
    }

    public long errors() {
        return errors.sum();
    }
}
