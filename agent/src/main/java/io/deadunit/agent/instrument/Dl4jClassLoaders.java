package io.deadunit.agent.instrument;

import net.bytebuddy.matcher.ElementMatcher;

import java.util.Map;
import java.util.WeakHashMap;

/**
 * Matches the class loaders that can see DL4J, so that type matching (which has to read class hierarchies) is
 * only paid for classes that could be DL4J layers. Answers are cached per loader, held weakly.
 */
final class Dl4jClassLoaders extends ElementMatcher.Junction.AbstractBase<ClassLoader> {
    private static final String MARKER = "org/deeplearning4j/nn/api/Layer.class";
    private final Map<ClassLoader, Boolean> answers = new WeakHashMap<>();

    @Override
    public synchronized boolean matches(ClassLoader loader) {
        if (loader == null) {
            return false;
        }
        return answers.computeIfAbsent(loader, l -> l.getResource(MARKER) != null);
    }
}
