package io.deadunit.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import io.deadunit.exporter.health.AgentHealth;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.instrument.ClassFileTransformer;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.deeplearning4j.nn.api.Layer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.IActivation;

/**
 * Every class of DL4J's {@code deeplearning4j-nn} jar and every ND4J activation function, woven by the agent's
 * transformer and then linked, which makes the JVM verify it against the stack map frames the weaver wrote (classes
 * of a non-boot loader are always verified): a wrong frame would be a {@code VerifyError}, and a DL4J class that
 * fails to load. The forked trainers only load the classes their models use; this covers all of them.
 */
class WovenClassesVerifyTest {

    @Test
    void everyWovenDl4jClassVerifies() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        AgentHealth health = new AgentHealth(new PrintStream(log, true));
        ClassFileTransformer weaver = Dl4jInstrumentation.transformer(null, health, bridge -> {
        }, new PrintStream(log, true));
        Path nn = jarOf(Layer.class);
        Path nd4j = jarOf(IActivation.class);
        List<String> verifyErrors = new ArrayList<>();
        int linked = 0;
        try (WeavingLoader loader = new WeavingLoader(weaver, nn, nd4j)) {
            List<String> names = new ArrayList<>(classNames(nn, "org/deeplearning4j/"));
            names.addAll(classNames(nd4j, "org/nd4j/linalg/activations/"));
            for (String name : names) {
                try {
                    Class<?> type = Class.forName(name, false, loader);
                    if (loader.woven.contains(name)) {
                        type.getDeclaredMethods(); // links the class: verification
                        linked++;
                    }
                } catch (VerifyError e) {
                    verifyErrors.add(name + ": " + e.getMessage());
                } catch (LinkageError e) {
                    // An optional dependency of DL4J absent from this class path: nothing to do with weaving.
                }
            }
            assertThat(verifyErrors).as("woven classes that fail verification").isEmpty();
            assertThat(loader.woven).as("woven classes").hasSizeGreaterThan(80)
                    .contains("org.deeplearning4j.nn.layers.BaseLayer", "org.deeplearning4j.nn.layers.AbstractLayer",
                            "org.deeplearning4j.nn.layers.recurrent.LSTM",
                            "org.deeplearning4j.nn.multilayer.MultiLayerNetwork",
                            "org.deeplearning4j.nn.graph.ComputationGraph",
                            "org.deeplearning4j.optimize.solvers.BaseOptimizer",
                            "org.nd4j.linalg.activations.impl.ActivationReLU")
                    .doesNotContain("org.deeplearning4j.nn.api.Layer",
                            "org.deeplearning4j.nn.conf.layers.DenseLayer");
            assertThat(linked).as("woven classes linked").isGreaterThan(80);
        }
        assertThat(health.errors()).as(log.toString()).isZero();
    }

    private static Path jarOf(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static List<String> classNames(Path jar, String prefix) {
        List<String> names = new ArrayList<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            for (JarEntry entry : Collections.list(file.entries())) {
                String n = entry.getName();
                if (n.startsWith(prefix) && n.endsWith(".class") && !n.contains("module-info")) {
                    names.add(n.substring(0, n.length() - ".class".length()).replace('/', '.'));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }

    /**
     * Defines DL4J's classes (and ND4J's activation functions) itself, from the given jars, through the weaver, as
     * a JVM would with the agent's transformer registered; everything else comes from the test's class path.
     */
    private static final class WeavingLoader extends URLClassLoader {
        private final ClassFileTransformer weaver;
        final Set<String> woven = ConcurrentHashMap.newKeySet();

        WeavingLoader(ClassFileTransformer weaver, Path... jars) throws IOException {
            super(urls(jars), WovenClassesVerifyTest.class.getClassLoader());
            this.weaver = weaver;
        }

        private static URL[] urls(Path... jars) throws IOException {
            URL[] urls = new URL[jars.length];
            for (int i = 0; i < jars.length; i++) {
                urls[i] = jars[i].toUri().toURL();
            }
            return urls;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            boolean own = name.startsWith("org.deeplearning4j.") || name.startsWith("org.nd4j.linalg.activations.");
            if (!own || findResource(name.replace('.', '/') + ".class") == null) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                return loaded != null ? loaded : findClass(name);
            }
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            String internal = name.replace('.', '/');
            try (InputStream in = getResourceAsStream(internal + ".class")) {
                if (in == null) {
                    throw new ClassNotFoundException(name);
                }
                byte[] original = in.readAllBytes();
                byte[] bytes = weaver.transform(null, this, internal, null, null, original);
                if (bytes != null) {
                    woven.add(name);
                } else {
                    bytes = original;
                }
                return defineClass(name, bytes, 0, bytes.length);
            } catch (IOException | java.lang.instrument.IllegalClassFormatException e) {
                throw new ClassNotFoundException(name, e);
            }
        }
    }
}
