package io.deadunit.agent.instrument;

import io.deadunit.exporter.health.AgentHealth;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Matches the class loaders that can see DL4J, so that type matching (which has to read class hierarchies) is
 * only paid for classes that could be DL4J layers. Answers are cached per loader, held weakly. A DL4J loader that
 * cannot see the agent gets the bridge injected before any of its classes is instrumented.
 */
final class Dl4jClassLoaders {
    private static final String MARKER = "org/deeplearning4j/nn/api/Layer.class";
    private final Map<ClassLoader, Boolean> answers = new WeakHashMap<>();
    private final BridgeInjector bridge;
    private final AgentHealth health;
    private final PrintStream log;

    Dl4jClassLoaders(BridgeInjector bridge, AgentHealth health, PrintStream log) {
        this.bridge = bridge;
        this.health = health;
        this.log = log;
    }

    synchronized boolean matches(ClassLoader loader) {
        if (loader == null) {
            return false;
        }
        return answers.computeIfAbsent(loader, this::holdsDl4j);
    }

    private boolean holdsDl4j(ClassLoader loader) {
        if (loader.getResource(MARKER) == null) {
            return false;
        }
        reportMissingHooks(loader);
        if (!BridgeInjector.seesAgent(loader)) {
            try {
                bridge.injectOnce();
            } catch (java.io.IOException e) {
                // Not an agent bug: the temp directory is full or read-only. Say so, and where (once: never retried).
                log.println("deadunit: cannot write the agent's bridge jar in " + System.getProperty("java.io.tmpdir")
                        + " (" + e + "); DL4J in " + loader + " is not monitored. Training continues.");
                return false;
            } catch (Exception | LinkageError e) {
                health.recordError("making the agent visible to " + loader, e);
                return false;
            }
        }
        return true;
    }

    /** Another DL4J version may lack a hooked method: say once which features are off, keep the rest working. */
    private void reportMissingHooks(ClassLoader loader) {
        try {
            List<String> missing = HookCheck.missingFeatures(loader);
            if (!missing.isEmpty()) {
                log.println("deadunit: this DL4J version differs from the one the agent was built for ("
                        + String.join("; ", missing) + "); everything else keeps working.");
            }
        } catch (RuntimeException | LinkageError e) {
            health.recordError("checking DL4J's methods", e);
        }
    }
}
