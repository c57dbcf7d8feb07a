package io.deadunit.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * What the forked trainers of this module run on, checked independently of the agent: the class path holds this
 * release of DL4J/ND4J and no other, with Linux x86_64 natives and no -platform artifact; and every method the
 * agent hooks (the ones its HookCheck reports on, and the recurrent ones) is declared by this release with the
 * signature the agent matches, read by reflection from the release's own jars. Hence the matrix expects no
 * "this DL4J version differs" line from the agent on any release.
 */
class Dl4jReleaseHooksIT {

    private static final String INDARRAY = "org.nd4j.linalg.api.ndarray.INDArray";
    private static final String MGR = "org.deeplearning4j.nn.workspace.LayerWorkspaceMgr";

    /** type, method, parameter types, static? */
    private static final Object[][] HOOKS = {
        {"org.deeplearning4j.nn.api.Layer", "activate", new String[] {"boolean", MGR}, false},
        {"org.deeplearning4j.nn.api.Layer", "activate", new String[] {INDARRAY, "boolean", MGR}, false},
        {"org.deeplearning4j.nn.api.Layer", "backpropGradient", new String[] {INDARRAY, MGR}, false},
        {"org.deeplearning4j.nn.api.layers.RecurrentLayer", "rnnTimeStep", new String[] {INDARRAY, MGR}, false},
        {"org.deeplearning4j.nn.api.layers.RecurrentLayer", "rnnActivateUsingStoredState",
                new String[] {INDARRAY, "boolean", "boolean", MGR}, false},
        {"org.deeplearning4j.nn.api.layers.RecurrentLayer", "tbpttBackpropGradient",
                new String[] {INDARRAY, "int", MGR}, false},
        {"org.nd4j.linalg.activations.IActivation", "getActivation", new String[] {INDARRAY, "boolean"}, false},
        {"org.deeplearning4j.optimize.solvers.BaseOptimizer", "incrementIterationCount",
                new String[] {"org.deeplearning4j.nn.api.Model", "int"}, true},
        {"org.deeplearning4j.nn.multilayer.MultiLayerNetwork", "init", new String[] {INDARRAY, "boolean"}, false},
        {"org.deeplearning4j.nn.graph.ComputationGraph", "init", new String[] {INDARRAY, "boolean"}, false},
    };

    private static List<Path> classPath() {
        return Arrays.stream(ItEnv.trainerClassPath().split(File.pathSeparator))
                .filter(s -> !s.isEmpty()).map(Paths::get).collect(Collectors.toList());
    }

    private static List<String> jarNames() {
        return classPath().stream().map(p -> p.getFileName().toString()).collect(Collectors.toList());
    }

    @Test
    void trainersRunOnThisReleaseOnly() {
        String release = Dl4jReleaseMatrixIT.release();
        List<String> jars = jarNames();
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(jars.stream().filter(j -> j.startsWith("deeplearning4j-nn-")))
                .as("deeplearning4j-nn on the trainers' class path").containsExactly(
                        "deeplearning4j-nn-" + release + ".jar");
        soft.assertThat(jars).as("nd4j-native and its Linux x86_64 natives").contains(
                "nd4j-native-" + release + ".jar", "nd4j-native-" + release + "-linux-x86_64.jar",
                "nd4j-api-" + release + ".jar");
        soft.assertThat(jars.stream().filter(j -> j.startsWith("nd4j-") || j.startsWith("deeplearning4j-")))
                .as("every DL4J/ND4J jar is of release " + release)
                .allMatch(j -> j.contains("-" + release + ".jar") || j.contains("-" + release + "-linux-x86_64.jar"));
        soft.assertThat(jars).as("no -platform artifact (natives for every OS)")
                .noneMatch(j -> j.matches("(nd4j|javacpp|openblas|mkl).*-platform-.*"));
        soft.assertThat(jars.stream().filter(j -> j.startsWith("javacpp-")).map(j -> j.replace("-linux-x86_64", "")))
                .as("one javacpp version, classes and natives").hasSize(2).containsOnly(
                        jars.stream().filter(j -> j.matches("javacpp-[0-9.]+\\.jar")).findFirst().orElse("?"));
        soft.assertAll();
    }

    @Test
    void everyHookedMethodExists() throws IOException {
        List<URL> urls = new ArrayList<>();
        for (Path p : classPath()) {
            urls.add(toUrl(p));
        }
        // DL4J's jars in a loader of their own: classes are loaded, not initialised (no native library is loaded).
        try (URLClassLoader loader = new URLClassLoader(urls.toArray(new URL[0]),
                ClassLoader.getPlatformClassLoader())) {
            SoftAssertions soft = new SoftAssertions();
            for (Object[] h : HOOKS) {
                String type = (String) h[0];
                String name = (String) h[1];
                List<String> params = Arrays.asList((String[]) h[2]);
                boolean isStatic = (Boolean) h[3];
                Method m = find(loader, type, name, params);
                soft.assertThat(m).as("%s.%s(%s) in DL4J %s", type, name, String.join(", ", params),
                        Dl4jReleaseMatrixIT.release()).isNotNull();
                if (m != null) {
                    soft.assertThat(Modifier.isStatic(m.getModifiers())).as("%s.%s static", type, name)
                            .isEqualTo(isStatic);
                }
            }
            soft.assertAll();
        }
    }

    private static Method find(ClassLoader loader, String type, String name, List<String> params) {
        Class<?> c;
        try {
            c = Class.forName(type, false, loader);
        } catch (ClassNotFoundException e) {
            return null;
        }
        List<Method> candidates = new ArrayList<>(Arrays.asList(c.getMethods()));
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            candidates.addAll(Arrays.asList(k.getDeclaredMethods()));
        }
        for (Method m : candidates) {
            if (m.getName().equals(name) && Arrays.stream(m.getParameterTypes()).map(Class::getName)
                    .collect(Collectors.toList()).equals(params)) {
                return m;
            }
        }
        return null;
    }

    private static URL toUrl(Path p) {
        try {
            return p.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(p.toString(), e);
        }
    }
}
