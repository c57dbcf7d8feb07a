package io.deadunit.agent.instrument;

import java.io.PrintStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The agent's only registered transformer: a plain JDK one, so that {@code premain} returns at once while the weaver
 * (and the exporter behind it) gets ready on another thread. Until it is
 * {@linkplain #open opened}:
 * <ul>
 *   <li>loading a class that starts a model (an activation function, a DL4J layer implementation, a network, an
 *       optimizer) waits for it, so no model and no iteration goes unobserved;</li>
 *   <li>any other class loads unchanged, and its name is kept, so that the ones that turn out to need advice
 *       (a user's own layers) can be retransformed once the weaver is ready;</li>
 *   <li>classes of packages that hold nothing to advise ({@link IgnoredPackages}: the JDK, most of ND4J, JavaCPP)
 *       are decided by name here and never reach the weaver.</li>
 * </ul>
 * Once opened, every call goes straight to the weaver's transformer.
 */
final class GatedTransformer implements ClassFileTransformer {
    private static final long MAX_WAIT_SECONDS = 60;

    private final long maxWaitMillis;
    private final Object lock = new Object();
    private final CountDownLatch released = new CountDownLatch(1);
    private final List<String> early = new ArrayList<>();
    private volatile ClassFileTransformer delegate;
    private volatile Thread installer;
    private final PrintStream log;
    private volatile boolean timedOut;

    GatedTransformer(PrintStream log) {
        this(log, TimeUnit.SECONDS.toMillis(MAX_WAIT_SECONDS));
    }

    GatedTransformer(PrintStream log, long maxWaitMillis) {
        this.log = log;
        this.maxWaitMillis = maxWaitMillis;
    }

    /** The thread that prepares the weaver: it must never wait for itself. */
    void installedBy(Thread thread) {
        installer = thread;
    }

    /**
     * From now on every class goes through {@code transformer}. Returns the internal names of the classes loaded
     * before, to revisit.
     */
    List<String> open(ClassFileTransformer transformer) {
        synchronized (lock) {
            delegate = transformer;
            List<String> loadedBefore = new ArrayList<>(early);
            early.clear();
            return loadedBefore;
        }
    }

    /** Lets waiting class loads go on: the weaver is ready and the early classes revisited, or it failed. */
    void release() {
        synchronized (lock) {
            early.clear();
        }
        released.countDown();
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String name, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classFile)
            throws IllegalClassFormatException {
        if (name == null || IgnoredPackages.ignores(name)) {
            // Decided by name before the weaver is asked: most of what a trainer loads is the JDK, ND4J and JavaCPP.
            return null;
        }
        ClassFileTransformer transformer = delegate;
        if (transformer == null) {
            if (startsModel(name) && released.getCount() > 0 && !timedOut && Thread.currentThread() != installer) {
                awaitRelease();
            }
            synchronized (lock) {
                transformer = delegate;
                if (transformer == null) {
                    if (classBeingRedefined == null && released.getCount() > 0) {
                        early.add(name);
                    }
                    return null;
                }
            }
        }
        return transformer.transform(module, loader, name, classBeingRedefined, protectionDomain, classFile);
    }

    /**
     * Waits for {@link #release}, at most {@code maxWaitMillis} in all: once a wait has timed out, no class load
     * waits again (a start-up that hangs must cost training one bounded delay, not one per model class).
     */
    private void awaitRelease() {
        try {
            if (!released.await(maxWaitMillis, TimeUnit.MILLISECONDS)) {
                synchronized (lock) {
                    if (timedOut) {
                        return;
                    }
                    timedOut = true;
                }
                log.println("deadunit: the instrumentation was not ready after " + maxWaitMillis / 1000 + " s; training"
                        + " goes on, and DL4J classes loaded meanwhile are instrumented when it is.");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Classes loaded only when a model is configured, built or trained: ND4J's activation functions, DL4J's layer
     * implementations, networks and optimizers. Waiting at those costs a user little (ND4J's native start-up and
     * DL4J's configuration classes come first, while the weaver gets ready), and it spares retransforming the
     * activation functions: they load with a network's configuration, just before its layers, and a
     * retransformation (every thread stopped, the class re-read) cost about 0.1 s of CPU for the nineteen of them.
     */
    static boolean startsModel(String internalName) {
        return internalName.startsWith("org/nd4j/linalg/activations/")
                || internalName.startsWith("org/deeplearning4j/nn/layers/")
                || internalName.startsWith("org/deeplearning4j/nn/multilayer/")
                || internalName.startsWith("org/deeplearning4j/nn/graph/")
                || internalName.startsWith("org/deeplearning4j/optimize/solvers/");
    }
}
