package io.deadunit.agent.instrument;

/**
 * Packages that hold no DL4J layer, activation function, model or optimizer: skipped before any matching. ND4J is
 * most of what a trainer loads, and only its activation functions matter. DL4J's configuration classes
 * ({@code org.deeplearning4j.nn.conf}: about half of the DL4J classes a small network loads) describe layers but
 * none is one, nor an activation function, network or optimizer, in any supported release (beta7 to M2.1; tested on
 * the build's): deciding them by name spares reading their super types' class files on the training thread.
 */
final class IgnoredPackages {
    private static final String ND4J = "org.nd4j.";
    private static final String ND4J_ACTIVATIONS = "org.nd4j.linalg.activations.";
    private static final String[] PREFIXES = {"java.", "javax.", "jdk.", "sun.", "com.sun.", "io.deadunit.",
            "org.bytedeco.", "com.fasterxml.", "com.google.", "org.apache.", "org.slf4j.", "ch.qos.", "kotlin.",
            "scala.", "lombok.", "org.jetbrains.", "it.unimi.", "oshi.", "com.github.", "org.joda.", "org.yaml.",
            "net.bytebuddy.", "io.micrometer.", "io.prometheus.", "org.HdrHistogram.", "org.junit.",
            "org.datavec.", "org.eclipse.", "org.springframework.", "io.netty.", "com.jakewharton.",
            "org.deeplearning4j.nn.conf."};
    private static final String[] INTERNAL_PREFIXES = internal(PREFIXES);
    private static final String INTERNAL_ND4J = ND4J.replace('.', '/');
    private static final String INTERNAL_ND4J_ACTIVATIONS = ND4J_ACTIVATIONS.replace('.', '/');

    private IgnoredPackages() {
    }

    /** On a JVM-internal name ({@code org/nd4j/...}), as a class file transformer receives it. */
    static boolean ignores(String internalName) {
        if (internalName.startsWith(INTERNAL_ND4J)) {
            return !internalName.startsWith(INTERNAL_ND4J_ACTIVATIONS);
        }
        for (String prefix : INTERNAL_PREFIXES) {
            if (internalName.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static String[] internal(String[] prefixes) {
        String[] internal = new String[prefixes.length];
        for (int i = 0; i < prefixes.length; i++) {
            internal[i] = prefixes[i].replace('.', '/');
        }
        return internal;
    }
}
