package io.deadunit.agent.instrument;

import io.deadunit.agent.instrument.Hook.Types;

import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Classes that every DL4J model loads (the networks, the base layers, the optimizer, ND4J's activation functions),
 * woven on the agent's start-up thread while the application's {@code main} is still starting ND4J, so that
 * loading them later costs the training thread a comparison instead of a weave. A copy is used only when the JVM
 * hands the weaver exactly the class file that was woven (same loader, first definition, same bytes); anything
 * else (another agent's changes, a retransformation, a class that loaded first) is woven as usual.
 */
final class WovenAhead {
    /** Loaded by every network: together they are most of the weaving a model's first iteration waits for. */
    static final List<String> CLASSES = List.of(Types.MULTI_LAYER_NETWORK, Types.COMPUTATION_GRAPH,
            "org/deeplearning4j/nn/layers/AbstractLayer", "org/deeplearning4j/nn/layers/BaseLayer",
            "org/deeplearning4j/nn/layers/BaseOutputLayer", Types.OPTIMIZER,
            // ND4J's Activation enum loads them all (those missing from a release are skipped)
            "org/nd4j/linalg/activations/impl/ActivationCube", "org/nd4j/linalg/activations/impl/ActivationELU",
            "org/nd4j/linalg/activations/impl/ActivationHardSigmoid",
            "org/nd4j/linalg/activations/impl/ActivationHardTanH",
            "org/nd4j/linalg/activations/impl/ActivationIdentity", "org/nd4j/linalg/activations/impl/ActivationLReLU",
            "org/nd4j/linalg/activations/impl/ActivationPReLU",
            "org/nd4j/linalg/activations/impl/ActivationRationalTanh",
            "org/nd4j/linalg/activations/impl/ActivationReLU", "org/nd4j/linalg/activations/impl/ActivationReLU6",
            "org/nd4j/linalg/activations/impl/ActivationRReLU",
            "org/nd4j/linalg/activations/impl/ActivationRectifiedTanh",
            "org/nd4j/linalg/activations/impl/ActivationSELU", "org/nd4j/linalg/activations/impl/ActivationSigmoid",
            "org/nd4j/linalg/activations/impl/ActivationSoftmax",
            "org/nd4j/linalg/activations/impl/ActivationSoftPlus",
            "org/nd4j/linalg/activations/impl/ActivationSoftSign", "org/nd4j/linalg/activations/impl/ActivationSwish",
            "org/nd4j/linalg/activations/impl/ActivationTanH",
            "org/nd4j/linalg/activations/impl/ActivationThresholdedReLU");
    private static final Set<String> NAMES = Set.copyOf(CLASSES);
    /** Marks a class the JVM asked for: woven by then or not, a copy made later would never be used. */
    private static final Object ASKED = new Object();

    /** Internal name → {original, woven} or {@link #ASKED}. */
    private final Map<String, Object> classes = new ConcurrentHashMap<>();
    private volatile ClassLoader loader;

    /** The weaver's own steps, so that a copy is exactly what loading the class would have produced. */
    interface Weaving {
        /** The woven class file, or null when the class gets no advice. */
        byte[] weave(ClassLoader loader, String internalName, byte[] classFile) throws Exception;
    }

    /** Weaves {@link #CLASSES} of {@code dl4jLoader} that it has and that have not been asked for yet. */
    void prepare(ClassLoader dl4jLoader, Weaving weaving) {
        loader = dl4jLoader;
        for (String name : CLASSES) {
            if (classes.containsKey(name)) {
                continue;
            }
            try (InputStream in = dl4jLoader.getResourceAsStream(name + ".class")) {
                if (in == null) {
                    continue;
                }
                byte[] original = in.readAllBytes();
                byte[] woven = weaving.weave(dl4jLoader, name, original);
                if (woven != null) {
                    classes.putIfAbsent(name, new byte[][] {original, woven});
                }
            } catch (Throwable t) {
                // A head start only: the class is woven, and any failure reported, when it loads.
            }
        }
    }

    /** The copy woven ahead for this first definition of {@code classFile}, or null: weave it now. */
    byte[] take(ClassLoader definingLoader, String internalName, byte[] classFile) {
        ClassLoader prepared = loader;
        if (!NAMES.contains(internalName) || prepared != null && definingLoader != prepared) {
            return null;
        }
        // Also before prepare: a class defined already must not be woven ahead for nothing.
        Object copy = classes.put(internalName, ASKED);
        if (copy instanceof byte[][] && Arrays.equals(((byte[][]) copy)[0], classFile)) {
            return ((byte[][]) copy)[1];
        }
        return null;
    }
}
