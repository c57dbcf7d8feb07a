package io.deadunit.agent.instrument;

import io.deadunit.agent.instrument.Hook.Types;
import org.objectweb.asm.ClassReader;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which of the hooked DL4J super types a class has, decided without loading a class: the headers of its super types
 * (super class, interfaces) are read from their class files through the class loader's resources. Answers are
 * cached per class loader, and the loaders are held weakly (the cache holds names and numbers only), so that a
 * dropped loader (a notebook, a redeployed application) can be collected with its cache.
 */
final class TypeHierarchy {
    /** Is or implements {@code org.deeplearning4j.nn.api.Layer}. */
    static final int LAYER = 1;
    /** Is or implements {@code org.nd4j.linalg.activations.IActivation}. */
    static final int ACTIVATION = 2;
    /** Is or extends {@code MultiLayerNetwork} or {@code ComputationGraph} (which implement {@code Layer} too). */
    static final int NETWORK = 4;

    private final Map<ClassLoader, Map<String, Integer>> byLoader = new WeakHashMap<>();
    private final Map<String, Integer> bootstrap = new ConcurrentHashMap<>();

    /** A super type whose class file the loader does not have. */
    static final class UnresolvedType extends Exception {
        UnresolvedType(String internalName) {
            super(internalName.replace('/', '.') + " not found");
        }
    }

    /** The kinds of a class being defined, from its own header; remembered for its subclasses. */
    int kinds(ClassLoader loader, String internalName, String superName, String[] interfaces) throws UnresolvedType {
        int kinds = own(internalName) | resolve(loader, superName);
        for (String implemented : interfaces) {
            kinds |= resolve(loader, implemented);
        }
        cache(loader).put(internalName, kinds);
        return kinds;
    }

    private int resolve(ClassLoader loader, String internalName) throws UnresolvedType {
        if (internalName == null) {
            return 0;
        }
        int own = own(internalName);
        if (own != 0) {
            return own;
        }
        if (IgnoredPackages.ignores(internalName)) {
            // The JDK, most of ND4J, the libraries DL4J uses: none of them extends a DL4J type.
            return 0;
        }
        Map<String, Integer> cache = cache(loader);
        Integer known = cache.get(internalName);
        if (known != null) {
            return known;
        }
        // Read without holding any lock: the loader may take its own while reading.
        ClassReader header = header(loader, internalName);
        return kinds(loader, internalName, header.getSuperName(), header.getInterfaces());
    }

    private static ClassReader header(ClassLoader loader, String internalName) throws UnresolvedType {
        String resource = internalName + ".class";
        try (InputStream in = loader == null ? ClassLoader.getSystemResourceAsStream(resource)
                : loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new UnresolvedType(internalName);
            }
            return new ClassReader(in);
        } catch (IOException e) {
            throw new UnresolvedType(internalName);
        }
    }

    private static int own(String internalName) {
        switch (internalName) {
            case Types.LAYER:
                return LAYER;
            case Types.ACTIVATION:
                return ACTIVATION;
            case Types.MULTI_LAYER_NETWORK:
            case Types.COMPUTATION_GRAPH:
                return NETWORK | LAYER;
            default:
                return 0;
        }
    }

    private Map<String, Integer> cache(ClassLoader loader) {
        if (loader == null) {
            return bootstrap;
        }
        synchronized (byLoader) {
            return byLoader.computeIfAbsent(loader, l -> new ConcurrentHashMap<>());
        }
    }

    /** For tests: loaders with a cache right now. */
    int loaders() {
        synchronized (byLoader) {
            return byLoader.size();
        }
    }
}
