package io.deadunit.agent.probe;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A probe that writes down what {@link Probes} hands over, as text ({@code forward L true}, {@code backward L},
 * {@code init M}, {@code start M}, {@code iteration M}), with objects named by a function; installed with {@link #install()} and
 * removed with {@link #uninstall()} (in {@code finally}: the bridge is JVM-wide).
 */
public final class RecordingProbe implements TensorProbe {
    private final List<String> events = new ArrayList<>();
    private final Function<Object, String> names;
    private RuntimeException failure;

    public RecordingProbe(Function<Object, String> names) {
        this.names = names;
    }

    /** Every later call throws this after recording: the bridge must swallow it. */
    public void failWith(RuntimeException failure) {
        this.failure = failure;
    }

    public synchronized List<String> events() {
        return new ArrayList<>(events);
    }

    public void install() throws ReflectiveOperationException {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        MethodType model = MethodType.methodType(void.class, Object.class);
        Probes.install(
                lookup.findVirtual(RecordingProbe.class, "onForward",
                        MethodType.methodType(void.class, Object.class, boolean.class, Object.class)).bindTo(this),
                lookup.findVirtual(RecordingProbe.class, "onBackward",
                        MethodType.methodType(void.class, Object.class, Object.class)).bindTo(this),
                lookup.findVirtual(RecordingProbe.class, "onModelInit", model).bindTo(this),
                lookup.findVirtual(RecordingProbe.class, "onIterationDone", model).bindTo(this),
                lookup.findVirtual(RecordingProbe.class, "onIterationStart", model).bindTo(this));
    }

    public static void uninstall() {
        MethodHandle none = null;
        Probes.install(none, none, none, none, none);
    }

    @Override
    public void onForward(Object layer, boolean training, Object output) {
        record("forward " + names.apply(layer) + " " + training);
    }

    @Override
    public void onBackward(Object layer, Object epsilon) {
        record("backward " + names.apply(layer));
    }

    @Override
    public void onModelInit(Object model) {
        record("init " + names.apply(model));
    }

    @Override
    public void onIterationDone(Object model) {
        record("iteration " + names.apply(model));
    }

    @Override
    public void onIterationStart(Object model) {
        record("start " + names.apply(model));
    }

    private synchronized void record(String event) {
        events.add(event);
        if (failure != null) {
            throw failure;
        }
    }
}
