package io.deadunit.agent.instrument;

import io.deadunit.agent.instrument.advice.ActivationFunctionAdvice;
import io.deadunit.agent.instrument.advice.BackwardAdvice;
import io.deadunit.agent.instrument.advice.ForwardAdvice;
import io.deadunit.agent.instrument.advice.ForwardWithInputAdvice;
import io.deadunit.agent.instrument.advice.InferenceStepAdvice;
import io.deadunit.agent.instrument.advice.IterationAdvice;
import io.deadunit.agent.instrument.advice.IterationStartAdvice;
import io.deadunit.agent.instrument.advice.ModelInitAdvice;
import io.deadunit.agent.instrument.Hook.Types;
import io.deadunit.exporter.health.AgentHealth;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.dynamic.VisibilityBridgeStrategy;
import net.bytebuddy.dynamic.scaffold.InstrumentedType;
import net.bytebuddy.dynamic.scaffold.MethodGraph;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

import java.io.PrintStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.none;
import static net.bytebuddy.matcher.ElementMatchers.not;

/**
 * The one Byte Buddy pipeline: which DL4J types and which {@link Hook}s get which advice. Advice is referenced by class and
 * inlined, so it runs in the instrumented class's own frame; it calls only {@code io.deadunit.agent.probe.Probes}.
 */
public final class Dl4jInstrumentation {
    private Dl4jInstrumentation() {
    }

    /**
     * Byte Buddy's transformer, not registered: {@link BackgroundInstallation} puts it behind its gate and
     * retransforms the classes that loaded before.
     */
    public static ClassFileTransformer transformer(Instrumentation instrumentation, AgentHealth health,
                                                   BridgeInjector.Wiring wiring, PrintStream log) {
        Dl4jClassLoaders dl4jLoaders = new Dl4jClassLoaders(new BridgeInjector(instrumentation, wiring), health, log);
        // As OpenTelemetry's agent does: advice goes on a class's own declared methods, so the default method graph
        // (every method of every super type, read and resolved for each instrumented class) is not needed.
        ByteBuddy byteBuddy = new ByteBuddy()
                .with(MethodGraph.Compiler.ForDeclaredMethods.INSTANCE)
                .with(VisibilityBridgeStrategy.Default.NEVER)
                .with(InstrumentedType.Factory.Default.FROZEN);
        return new AgentBuilder.Default(byteBuddy)
                .disableClassFormatChanges()
                .with(AgentBuilder.DescriptionStrategy.Default.POOL_ONLY)
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                .with(AgentBuilder.TypeStrategy.Default.DECORATE)
                .with(new ErrorListener(health))
                // Matching reads class hierarchies: cache what was read, per class loader, or DL4J's thousands of
                // classes make start-up seconds slower. Loaders are held weakly (cache and class-file locators),
                // so that a dropped loader can be collected.
                .with(new WeakTypePoolCache())
                .with(AgentBuilder.LocationStrategy.ForClassLoader.WEAK)
                .ignore(IgnoredPackages.matcher())
                .type(layerTypes(), dl4jLoaders)
                .transform(visiting(
                        advice(ForwardAdvice.class, Hook.ACTIVATE),
                        advice(ForwardWithInputAdvice.class, Hook.ACTIVATE_INPUT, Hook.RNN_ACTIVATE_USING_STORED_STATE),
                        advice(InferenceStepAdvice.class, Hook.RNN_TIME_STEP),
                        advice(BackwardAdvice.class, Hook.BACKPROP_GRADIENT, Hook.TBPTT_BACKPROP_GRADIENT)))
                .type(hasSuperType(named(Types.ACTIVATION)).and(not(isInterface())), dl4jLoaders)
                .transform(visiting(advice(ActivationFunctionAdvice.class, Hook.GET_ACTIVATION)))
                .type(named(Types.MULTI_LAYER_NETWORK).or(named(Types.COMPUTATION_GRAPH)), dl4jLoaders)
                .transform(visiting(advice(ModelInitAdvice.class, Hook.MODEL_INIT)))
                .type(named(Types.OPTIMIZER), dl4jLoaders)
                .transform(visiting(advice(IterationAdvice.class, Hook.INCREMENT_ITERATION_COUNT),
                        advice(IterationStartAdvice.class, Hook.GRADIENT_AND_SCORE)))
                .makeRaw();
    }

    /** Every implementation of a DL4J layer, but not the networks, which implement {@code Layer} too. */
    private static ElementMatcher.Junction<TypeDescription> layerTypes() {
        return hasSuperType(named(Types.LAYER))
                .and(not(isInterface()))
                .and(not(hasSuperType(named(Types.MULTI_LAYER_NETWORK))))
                .and(not(hasSuperType(named(Types.COMPUTATION_GRAPH))));
    }

    /**
     * The advice on the implementations (not abstract declarations) of these hooks. Resolved once, when the agent
     * starts: resolving it again for every instrumented class (as {@code Transformer.ForAdvice} does) cost seconds
     * of start-up with DL4J's hundreds of layer classes.
     */
    private static AsmVisitorWrapper advice(Class<?> advice, Hook... hooks) {
        ElementMatcher.Junction<MethodDescription> methods = none();
        for (Hook hook : hooks) {
            methods = methods.or(hook.method());
        }
        return Advice.to(advice).on(methods.and(not(isAbstract())));
    }

    private static AgentBuilder.Transformer visiting(AsmVisitorWrapper... advice) {
        return (builder, type, classLoader, module, protectionDomain) -> {
            DynamicType.Builder<?> visited = builder;
            for (AsmVisitorWrapper wrapper : advice) {
                visited = visited.visit(wrapper);
            }
            return visited;
        };
    }

    /** Instrumentation failures are the agent's errors: counted and logged once, never fatal to the class. */
    private static final class ErrorListener extends AgentBuilder.Listener.Adapter {
        private final AgentHealth health;

        ErrorListener(AgentHealth health) {
            this.health = health;
        }

        @Override
        public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded,
                            Throwable throwable) {
            // Classes of other libraries that merely fail to resolve in a DL4J loader are none of our business.
            if (typeName.startsWith("org.deeplearning4j.") || typeName.startsWith("org.nd4j.")) {
                health.recordError("instrumenting " + typeName, throwable);
            }
        }
    }
}
