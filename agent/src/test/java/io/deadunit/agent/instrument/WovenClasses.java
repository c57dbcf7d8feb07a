package io.deadunit.agent.instrument;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
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

/**
 * Weaves every class of a {@code deeplearning4j-nn} jar and every ND4J activation function with a transformer and
 * links the woven ones, which makes the JVM verify them against the stack map frames the weaver wrote (classes of a
 * non-boot loader are always verified): a wrong frame is a {@code VerifyError}, i.e. a DL4J class that fails to
 * load. Uses only the JDK, so the compat modules run it on each release with the transformer of the agent jar
 * ({@code WovenClassesVerifyTest} here, {@code Dl4jReleaseWeavingIT} there).
 */
public final class WovenClasses {

    /** What linking the woven classes gave. */
    public static final class Result {
        public final Set<String> woven = ConcurrentHashMap.newKeySet();
        public final List<String> verifyErrors = new ArrayList<>();
        public int linked;
    }

    private WovenClasses() {
    }

    /**
     * Loads every class of {@code nn} under {@code org/deeplearning4j/} and of {@code nd4j} under
     * {@code org/nd4j/linalg/activations/} through {@code weaver} in a loader of their own (everything else from
     * {@code parent}, which must see the agent's classes), and links each class the weaver changed. A class the
     * loader cannot read or the weaver rejects is a {@code ClassNotFoundException}, thrown.
     */
    public static Result weaveAndLink(ClassFileTransformer weaver, ClassLoader parent, Path nn, Path nd4j)
            throws IOException, ClassNotFoundException {
        Result result = new Result();
        try (WeavingLoader loader = new WeavingLoader(weaver, parent, result.woven, nn, nd4j)) {
            List<String> names = new ArrayList<>(classNames(nn, "org/deeplearning4j/"));
            names.addAll(classNames(nd4j, "org/nd4j/linalg/activations/"));
            for (String name : names) {
                try {
                    Class<?> type = Class.forName(name, false, loader);
                    if (result.woven.contains(name)) {
                        type.getDeclaredMethods(); // links the class: verification
                        result.linked++;
                    }
                } catch (VerifyError e) {
                    result.verifyErrors.add(name + ": " + e.getMessage());
                } catch (LinkageError e) {
                    // An optional dependency of DL4J absent from this class path: nothing to do with weaving.
                }
            }
        }
        return result;
    }

    /** The jar a class was loaded from. */
    public static Path jarOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
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
     * a JVM would with the agent's transformer registered; everything else comes from the parent.
     */
    private static final class WeavingLoader extends URLClassLoader {
        private final ClassFileTransformer weaver;
        private final Set<String> woven;

        WeavingLoader(ClassFileTransformer weaver, ClassLoader parent, Set<String> woven, Path... jars)
                throws IOException {
            super(urls(jars), parent);
            this.weaver = weaver;
            this.woven = woven;
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
            } catch (IOException | IllegalClassFormatException e) {
                throw new ClassNotFoundException(name, e);
            }
        }
    }
}
