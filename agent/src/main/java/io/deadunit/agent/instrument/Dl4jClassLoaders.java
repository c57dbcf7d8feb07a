package io.deadunit.agent.instrument;

import io.deadunit.exporter.health.AgentHealth;
import net.bytebuddy.matcher.ElementMatcher;

import java.util.Map;
import java.util.WeakHashMap;

/**
 * Matches the class loaders that can see DL4J, so that type matching (which has to read class hierarchies) is
 * only paid for classes that could be DL4J layers. Answers are cached per loader, held weakly. A DL4J loader that
 * cannot see the agent gets the bridge injected before any of its classes is instrumented.
 */
final class Dl4jClassLoaders extends ElementMatcher.Junction.AbstractBase<ClassLoader> {
    private static final String MARKER = "org/deeplearning4j/nn/api/Layer.class";
    private final Map<ClassLoader, Boolean> answers = new WeakHashMap<>();
    private final BridgeInjector bridge;
    private final AgentHealth health;

    Dl4jClassLoaders(BridgeInjector bridge, AgentHealth health) {
        this.bridge = bridge;
        this.health = health;
    }

    @Override
    public synchronized boolean matches(ClassLoader loader) {
        if (loader == null) {
            return false;
        }
        return answers.computeIfAbsent(loader, this::holdsDl4j);
    }

    private boolean holdsDl4j(ClassLoader loader) {
        if (loader.getResource(MARKER) == null) {
            return false;
        }
        if (!BridgeInjector.seesAgent(loader)) {
            try {
                bridge.injectOnce();
            } catch (Exception | LinkageError e) {
                health.recordError("making the agent visible to " + loader, e);
                return false;
            }
        }
        return true;
    }
}
