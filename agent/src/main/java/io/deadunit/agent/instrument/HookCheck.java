package io.deadunit.agent.instrument;

import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;

import java.util.ArrayList;
import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * Checks, once per DL4J class loader, that the methods the agent hooks exist with the signatures it expects, and
 * names each feature that is off when one does not (another DL4J version). Reads class files without loading them,
 * so it is safe to run while classes are being loaded.
 */
final class HookCheck {
    private static final String INDARRAY = "org.nd4j.linalg.api.ndarray.INDArray";
    private static final String WORKSPACE_MGR = "org.deeplearning4j.nn.workspace.LayerWorkspaceMgr";

    private HookCheck() {
    }

    /** One line per missing hook, saying which feature is off; empty when everything is in place. */
    static List<String> missingFeatures(ClassLoader loader) {
        TypePool pool = TypePool.Default.of(ClassFileLocator.ForClassLoader.of(loader));
        List<String> missing = new ArrayList<>();
        require(pool, Dl4jInstrumentation.LAYER, named("activate").and(takesArguments(2))
                        .and(takesArgument(0, boolean.class)).and(takesArgument(1, named(WORKSPACE_MGR))),
                "activate(boolean, LayerWorkspaceMgr)", "activation statistics", missing);
        require(pool, Dl4jInstrumentation.LAYER, named("backpropGradient").and(takesArguments(2))
                        .and(takesArgument(0, named(INDARRAY))),
                "backpropGradient(INDArray, LayerWorkspaceMgr)", "gradient statistics", missing);
        require(pool, Dl4jInstrumentation.OPTIMIZER, named("incrementIterationCount").and(takesArguments(2)),
                "incrementIterationCount(Model, int)", "iteration counting, hence windows and all statistics",
                missing);
        require(pool, Dl4jInstrumentation.MULTI_LAYER_NETWORK, named("init").and(takesArguments(2)),
                "init(INDArray, boolean)", "early registration of MultiLayerNetworks (they are registered at their "
                        + "first iteration instead)", missing);
        require(pool, Dl4jInstrumentation.ACTIVATION, named("getActivation").and(takesArguments(2)),
                "getActivation(INDArray, boolean)", "output-layer statistics during fit", missing);
        return missing;
    }

    private static void require(TypePool pool, String type, ElementMatcher<? super MethodDescription> method,
                                String signature, String feature, List<String> missing) {
        TypePool.Resolution resolution = pool.describe(type);
        if (!resolution.isResolved()) {
            missing.add(type + " not found: " + feature + " off");
            return;
        }
        TypeDescription description = resolution.resolve();
        if (description.getDeclaredMethods().filter(method).isEmpty()) {
            missing.add(simpleName(type) + "." + signature + " not found: " + feature + " off");
        }
    }

    private static String simpleName(String type) {
        return type.substring(type.lastIndexOf('.') + 1);
    }
}
