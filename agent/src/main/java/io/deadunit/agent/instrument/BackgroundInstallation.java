package io.deadunit.agent.instrument;

import io.deadunit.exporter.health.AgentHealth;
import io.deadunit.exporter.health.AgentThreads;

import java.io.PrintStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Installs the instrumentation without making the application wait for it: {@code premain} registers a
 * {@link GatedTransformer} and returns; a daemon thread starts the exporter and prepares the weaver while the
 * application starts (DL4J and ND4J take far longer to get to a first model), then opens the gate and retransforms
 * the classes that need advice but loaded before it was ready. The same path serves an agent attached to a
 * running JVM, whose classes were all loaded before.
 */
public final class BackgroundInstallation {
    /** Pauses between the sweeps for classes whose loading was under way when the gate opened. */
    private static final long SWEEP_PAUSE_MILLIS = 100;
    private static final int SWEEPS = 10;

    /** What the background thread prepares: the exporter's health (for errors) and the weaver's transformer. */
    public interface Setup {
        Ready prepare() throws Exception;
    }

    /** The prepared transformer, where to count failures from now on, and what to start once it is in place. */
    public static final class Ready {
        final ClassFileTransformer transformer;
        final AgentHealth health;
        final Runnable then;

        /** @param then started after the gate opened (publishing): it must not hold the application back */
        public Ready(ClassFileTransformer transformer, AgentHealth health, Runnable then) {
            this.transformer = transformer;
            this.health = health;
            this.then = then;
        }
    }

    private final Instrumentation instrumentation;
    private final GatedTransformer gate;
    private final PrintStream log;

    private BackgroundInstallation(Instrumentation instrumentation, PrintStream log) {
        this.instrumentation = instrumentation;
        this.gate = new GatedTransformer(log);
        this.log = log;
    }

    /** Registers the gate and starts preparing in the background; returns at once. */
    public static void start(Instrumentation instrumentation, Setup setup, PrintStream log) {
        BackgroundInstallation installation = new BackgroundInstallation(instrumentation, log);
        instrumentation.addTransformer(installation.gate, true);
        try {
            Thread thread = AgentThreads.daemon(() -> installation.run(setup), "deadunit-start");
            installation.gate.installedBy(thread);
            thread.start();
        } catch (Throwable t) {
            // No thread will ever open the gate (a broken jar, no thread to spare): model classes must not wait for it.
            instrumentation.removeTransformer(installation.gate);
            installation.gate.release();
            throw t;
        }
    }

    private void run(Setup setup) {
        Set<String> pending = new HashSet<>();
        Ready ready = null;
        try {
            ready = setup.prepare();
            for (String internalName : gate.open(ready.transformer)) {
                pending.add(internalName.replace('/', '.'));
            }
            retransform(ready.health, pending, true);
        } catch (Throwable t) {
            log.println("deadunit: the agent could not start (" + t + "); training continues without it.");
        } finally {
            gate.release();
        }
        if (ready != null) {
            try {
                ready.then.run();
            } catch (Throwable t) {
                ready.health.recordError("starting to publish", t);
            }
        }
        // A class whose loading passed the gate just before it opened is listed only once it is defined.
        for (int sweep = 0; ready != null && !pending.isEmpty() && sweep < SWEEPS; sweep++) {
            try {
                Thread.sleep(SWEEP_PAUSE_MILLIS);
                retransform(ready.health, pending, false);
            } catch (InterruptedException e) {
                return;
            } catch (Throwable t) {
                ready.health.recordError("instrumenting classes loaded at start-up", t);
            }
        }
    }

    /**
     * Retransforms the loaded classes that need advice: all of them on the first pass (classes loaded before the
     * agent, when attached late), then only those loaded while the gate was closed. Every loaded class named in
     * {@code pending} is removed from it, target or not.
     */
    private void retransform(AgentHealth health, Set<String> pending, boolean all) {
        List<Class<?>> targets = new ArrayList<>();
        for (Class<?> type : instrumentation.getAllLoadedClasses()) {
            boolean early = pending.remove(type.getName());
            if ((all || early) && AdviceTargets.needsAdvice(type) && instrumentation.isModifiableClass(type)) {
                targets.add(type);
            }
        }
        if (targets.isEmpty()) {
            return;
        }
        try {
            // one VM operation for all: each call stops every thread once
            instrumentation.retransformClasses(targets.toArray(new Class<?>[0]));
        } catch (Throwable batch) {
            for (Class<?> type : targets) {
                try {
                    instrumentation.retransformClasses(type);
                } catch (Throwable t) {
                    health.recordError("instrumenting " + type.getName(), t);
                }
            }
        }
    }
}
