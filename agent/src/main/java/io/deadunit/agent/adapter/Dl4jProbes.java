package io.deadunit.agent.adapter;

import io.deadunit.agent.probe.TensorProbe;
import io.deadunit.exporter.health.AgentHealth;
import io.deadunit.exporter.monitor.MonitorRegistry;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The probe the advice talks to: routes each call to the DL4J adapter of the class loader that holds the calling
 * DL4J object, creating one adapter per such loader on first use. This class links against no DL4J type.
 */
public final class Dl4jProbes implements TensorProbe {
    private static final String ADAPTER = AdapterLoader.ADAPTER_PACKAGE + "Dl4jProbe";

    private final MonitorRegistry registry;
    private final AgentHealth health;
    private final boolean observeTraining;
    private final boolean observeInference;
    private final int reviveEvery;
    /**
     * One adapter per DL4J loader. Both sides weak: an adapter's class lives in an {@link AdapterLoader} that
     * holds the DL4J loader, so a strong value would keep its own weak key alive and pin every DL4J loader (and
     * its classes and statics) ever seen. The adapters stay reachable through {@link #byClass}, whose values
     * live in the DL4J classes themselves and go when they go.
     */
    private final Map<ClassLoader, WeakReference<TensorProbe>> byLoader = new WeakHashMap<>();
    /** The adapter made ahead by {@link #warmUp}: without a strong reference a GC could drop it before use. */
    private volatile TensorProbe warm;
    private final ClassValue<TensorProbe> byClass = new ClassValue<TensorProbe>() {
        @Override
        protected TensorProbe computeValue(Class<?> type) {
            return adapterFor(type.getClassLoader());
        }
    };

    /** @param reviveEvery recycle dead units every this many windows ({@code revive=true}); 0: never */
    public Dl4jProbes(MonitorRegistry registry, AgentHealth health, boolean observeTraining, boolean observeInference,
                      int reviveEvery) {
        this.registry = registry;
        this.health = health;
        this.observeTraining = observeTraining;
        this.observeInference = observeInference;
        this.reviveEvery = reviveEvery;
    }

    /** Wires these probes into a copy of the {@code Probes} bridge, by JDK types only. */
    public void installInto(Class<?> probesBridge) throws ReflectiveOperationException {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        MethodType model = MethodType.methodType(void.class, Object.class);
        MethodHandle forward = lookup.findVirtual(Dl4jProbes.class, "onForward",
                MethodType.methodType(void.class, Object.class, boolean.class, Object.class)).bindTo(this);
        MethodHandle backward = lookup.findVirtual(Dl4jProbes.class, "onBackward",
                MethodType.methodType(void.class, Object.class, Object.class)).bindTo(this);
        MethodHandle modelInit = lookup.findVirtual(Dl4jProbes.class, "onModelInit", model).bindTo(this);
        MethodHandle iteration = lookup.findVirtual(Dl4jProbes.class, "onIterationDone", model).bindTo(this);
        MethodHandle start = lookup.findVirtual(Dl4jProbes.class, "onIterationStart", model).bindTo(this);
        probesBridge.getMethod("install", MethodHandle.class, MethodHandle.class, MethodHandle.class, MethodHandle.class,
                        MethodHandle.class)
                .invoke(null, forward, backward, modelInit, iteration, start);
    }

    @Override
    public void onForward(Object layer, boolean training, Object output) {
        byClass.get(layer.getClass()).onForward(layer, training, output);
    }

    @Override
    public void onBackward(Object layer, Object epsilon) {
        byClass.get(layer.getClass()).onBackward(layer, epsilon);
    }

    @Override
    public void onModelInit(Object model) {
        byClass.get(model.getClass()).onModelInit(model);
    }

    @Override
    public void onIterationDone(Object model) {
        byClass.get(model.getClass()).onIterationDone(model);
    }

    @Override
    public void onIterationStart(Object model) {
        // One volatile read while every registered model has trained: nothing else to do then.
        if (registry.anyModelNotStarted()) {
            byClass.get(model.getClass()).onIterationStart(model);
        }
    }

    /**
     * Creates the adapter of {@code dl4jLoader} now, on the calling thread (the agent's start-up thread, once the
     * weaver is in place), instead of in the first model's initialisation on the training thread. Only for a loader
     * that holds DL4J (the weaver said so): elsewhere the adapter cannot link, which would count as an error.
     * Kept strongly: meant for the system class loader, which is never collected anyway.
     */
    public void warmUp(ClassLoader dl4jLoader) {
        warm = adapterFor(dl4jLoader);
    }

    private synchronized TensorProbe adapterFor(ClassLoader dl4jLoader) {
        ClassLoader key = dl4jLoader == null ? ClassLoader.getSystemClassLoader() : dl4jLoader;
        WeakReference<TensorProbe> known = byLoader.get(key);
        TensorProbe adapter = known == null ? null : known.get();
        if (adapter == null) {
            adapter = createAdapter(key);
            byLoader.put(key, new WeakReference<>(adapter));
        }
        return adapter;
    }

    private TensorProbe createAdapter(ClassLoader dl4jLoader) {
        try {
            Class<?> adapter = new AdapterLoader(dl4jLoader, Dl4jProbes.class.getClassLoader()).loadClass(ADAPTER);
            return (TensorProbe) adapter
                    .getConstructor(MonitorRegistry.class, AgentHealth.class, boolean.class, boolean.class, int.class)
                    .newInstance(registry, health, observeTraining, observeInference, reviveEvery);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            health.recordError("loading the DL4J adapter", e);
            return NoProbe.INSTANCE;
        }
    }

    /** Used when the adapter cannot be loaded for a class loader: its DL4J is not monitored. */
    private enum NoProbe implements TensorProbe {
        INSTANCE;

        @Override
        public void onForward(Object layer, boolean training, Object output) {
        }

        @Override
        public void onBackward(Object layer, Object epsilon) {
        }

        @Override
        public void onModelInit(Object model) {
        }

        @Override
        public void onIterationDone(Object model) {
        }

        @Override
        public void onIterationStart(Object model) {
        }
    }
}
