package io.deadunit.agent.instrument;

/**
 * Which loaded classes the weaver could give advice to, decided from the loaded class itself (cheap, no class file
 * read): the classes to retransform when the instrumentation is ready after they loaded. The weaver
 * ({@link Dl4jInstrumentation}) still decides what is actually transformed.
 */
final class AdviceTargets {
    /** Binary names ({@code org.deeplearning4j...}), as {@link Class#getName()} spells them. */
    private static final String[] SUPER_TYPES = binaryNames(Hook.Types.LAYER, Hook.Types.ACTIVATION,
            Hook.Types.MULTI_LAYER_NETWORK, Hook.Types.COMPUTATION_GRAPH, Hook.Types.OPTIMIZER);

    private AdviceTargets() {
    }

    static boolean needsAdvice(Class<?> type) {
        if (type.isInterface() || type.isArray() || type.isPrimitive()
                || IgnoredPackages.ignores(type.getName().replace('.', '/'))) {
            return false;
        }
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (isOrImplementsTarget(c)) {
                return true;
            }
        }
        return false;
    }

    /** Compared by name: the class may come from another loader than the agent's. */
    private static boolean isOrImplementsTarget(Class<?> type) {
        for (String name : SUPER_TYPES) {
            if (name.equals(type.getName())) {
                return true;
            }
        }
        for (Class<?> implemented : type.getInterfaces()) {
            if (isOrImplementsTarget(implemented)) {
                return true;
            }
        }
        return false;
    }

    private static String[] binaryNames(String... internalNames) {
        String[] names = new String[internalNames.length];
        for (int i = 0; i < names.length; i++) {
            names[i] = internalNames[i].replace('/', '.');
        }
        return names;
    }
}
