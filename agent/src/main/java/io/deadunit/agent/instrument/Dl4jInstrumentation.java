package io.deadunit.agent.instrument;

import io.deadunit.agent.instrument.Hook.Types;
import io.deadunit.exporter.health.AgentHealth;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Opcodes;

import java.io.InputStream;
import java.io.PrintStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;

/**
 * The agent's weaving transformer: which DL4J types get which {@link Hook}s. Implementations of {@code Layer}
 * (but not the networks, which implement it too) get the forward and backward hooks, implementations of
 * {@code IActivation} the activation-function hook, {@code MultiLayerNetwork} and {@code ComputationGraph} the
 * model-init hook, {@code BaseOptimizer} the iteration hooks; {@link HookWeaver} puts the calls to
 * {@code io.deadunit.agent.probe.Probes} in place.
 *
 * <p>Hand-written on ASM rather than Byte Buddy's {@code AgentBuilder} and {@code Advice}, as start-up-sensitive
 * agents do: the pipeline loaded about 1,100 classes of Byte Buddy and kept the JIT busy for over a second of CPU
 * before a model's first iteration, and needed about 2 MB more heap at start-up (bench/results/startup.md). This
 * one loads a few dozen.
 */
public final class Dl4jInstrumentation implements ClassFileTransformer {
    private static final List<Hook> LAYER = List.of(Hook.ACTIVATE, Hook.ACTIVATE_INPUT,
            Hook.RNN_ACTIVATE_USING_STORED_STATE, Hook.RNN_TIME_STEP, Hook.BACKPROP_GRADIENT,
            Hook.TBPTT_BACKPROP_GRADIENT);
    private static final List<Hook> ACTIVATION = List.of(Hook.GET_ACTIVATION);
    private static final List<Hook> NETWORK = List.of(Hook.MODEL_INIT);
    private static final List<Hook> OPTIMIZER = List.of(Hook.INCREMENT_ITERATION_COUNT, Hook.GRADIENT_AND_SCORE);
    /** Small, in every supported release, and loaded by every model anyway: what {@link #warmUp} weaves. */
    private static final String WARM_UP_CLASS = "org/nd4j/linalg/activations/impl/ActivationIdentity";

    private final Dl4jClassLoaders dl4jLoaders;
    private final TypeHierarchy hierarchy = new TypeHierarchy();
    private final WovenAhead ahead = new WovenAhead();
    private final AgentHealth health;

    private Dl4jInstrumentation(Dl4jClassLoaders dl4jLoaders, AgentHealth health) {
        this.dl4jLoaders = dl4jLoaders;
        this.health = health;
    }

    /**
     * The transformer, not registered: {@link BackgroundInstallation} puts it behind its gate and retransforms the
     * classes that loaded before.
     */
    public static Dl4jInstrumentation transformer(Instrumentation instrumentation, AgentHealth health,
                                                  BridgeInjector.Wiring wiring, PrintStream log) {
        return new Dl4jInstrumentation(
                new Dl4jClassLoaders(new BridgeInjector(instrumentation, wiring), health, log), health);
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String name, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classFile) {
        if (name == null || loader == null || IgnoredPackages.ignores(name)) {
            return null;
        }
        try {
            if (!dl4jLoaders.matches(loader)) {
                return null;
            }
            byte[] woven = classBeingRedefined == null ? ahead.take(loader, name, classFile) : null;
            return woven != null ? woven : weave(loader, name, classFile);
        } catch (Throwable t) {
            // Never fatal to the class: it loads unchanged. Classes of other libraries that merely fail to resolve
            // in a DL4J loader are none of our business.
            if (name.startsWith("org/deeplearning4j/") || name.startsWith("org/nd4j/")) {
                health.recordError("instrumenting " + name.replace('/', '.'), t);
            }
            return null;
        }
    }

    /**
     * Does on the calling thread (the agent's start-up thread) the one-off work that the first DL4J class woven
     * would otherwise do on the application's thread while it loads a model: checking the loader (the hooked
     * methods exist, the agent is visible) and loading the weaver's classes, by weaving one small activation
     * function of {@code loader} and discarding the result. Nothing is defined or cached beyond what weaving that
     * class later would cache. A head start only: failures are left to the real weaving, which reports them.
     *
     * @return whether {@code loader} holds DL4J and gets woven
     */
    public boolean warmUp(ClassLoader loader) {
        try {
            if (loader == null || !dl4jLoaders.matches(loader)) {
                return false;
            }
            byte[] sample;
            try (InputStream in = loader.getResourceAsStream(WARM_UP_CLASS + ".class")) {
                if (in == null) {
                    return true;
                }
                sample = in.readAllBytes();
            }
            List<Hook> hooks = hooks(loader, WARM_UP_CLASS, sample);
            if (!hooks.isEmpty()) {
                HookWeaver.weave(sample, hooks);
            }
            return true;
        } catch (Throwable ignored) {
            return false; // see above
        }
    }

    /**
     * Weaves the classes every model loads ({@link WovenAhead}) on the calling thread (the agent's start-up thread,
     * once the gate is open), so that the training thread finds them ready. {@code loader} must hold DL4J.
     */
    public void weaveAhead(ClassLoader loader) {
        ahead.prepare(loader, this::weave);
    }

    private byte[] weave(ClassLoader loader, String name, byte[] classFile) throws TypeHierarchy.UnresolvedType {
        List<Hook> hooks = hooks(loader, name, classFile);
        return hooks.isEmpty() ? null : HookWeaver.weave(classFile, hooks);
    }

    /** The hooks a class may implement, from its header and its super types' (read, not loaded). */
    List<Hook> hooks(ClassLoader loader, String name, byte[] classFile) throws TypeHierarchy.UnresolvedType {
        ClassReader header = new ClassReader(classFile);
        int kinds = hierarchy.kinds(loader, name, header.getSuperName(), header.getInterfaces());
        if ((header.getAccess() & Opcodes.ACC_INTERFACE) != 0) {
            return List.of();
        }
        List<Hook> hooks = new ArrayList<>();
        if ((kinds & TypeHierarchy.LAYER) != 0 && (kinds & TypeHierarchy.NETWORK) == 0) {
            hooks.addAll(LAYER);
        }
        if ((kinds & TypeHierarchy.ACTIVATION) != 0) {
            hooks.addAll(ACTIVATION);
        }
        if (name.equals(Types.MULTI_LAYER_NETWORK) || name.equals(Types.COMPUTATION_GRAPH)) {
            hooks.addAll(NETWORK);
        }
        if (name.equals(Types.OPTIMIZER)) {
            hooks.addAll(OPTIMIZER);
        }
        return hooks;
    }

    /** For tests: class loaders whose hierarchy answers are cached. */
    int cachedLoaders() {
        return hierarchy.loaders();
    }
}
