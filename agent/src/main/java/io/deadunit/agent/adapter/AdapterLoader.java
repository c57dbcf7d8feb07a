package io.deadunit.agent.adapter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Loads the DL4J adapter ({@code io.deadunit.agent.dl4j}) once per class loader that holds DL4J, so the adapter links against the
 * application's own DL4J classes wherever they live: the system class path, a Spring Boot fat jar, a plugin
 * loader. DL4J and ND4J classes come from that loader, deadunit's own classes from the agent's loader.
 */
final class AdapterLoader extends ClassLoader {
    static final String ADAPTER_PACKAGE = "io.deadunit.agent.dl4j.";

    static {
        registerAsParallelCapable();
    }

    private final ClassLoader dl4j;
    private final ClassLoader agent;

    AdapterLoader(ClassLoader dl4j, ClassLoader agent) {
        super(null);
        this.dl4j = dl4j;
        this.agent = agent;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        synchronized (getClassLoadingLock(name)) {
            Class<?> loaded = findLoadedClass(name);
            if (loaded == null) {
                loaded = load(name);
            }
            if (resolve) {
                resolveClass(loaded);
            }
            return loaded;
        }
    }

    private Class<?> load(String name) throws ClassNotFoundException {
        if (name.startsWith(ADAPTER_PACKAGE)) {
            return defineFromAgent(name);
        }
        if (name.startsWith("io.deadunit.")) {
            return agent.loadClass(name);
        }
        if (name.startsWith("java.")) {
            return super.loadClass(name, false);
        }
        return dl4j.loadClass(name);
    }

    private Class<?> defineFromAgent(String name) throws ClassNotFoundException {
        String resource = name.replace('.', '/') + ".class";
        try (InputStream in = agent.getResourceAsStream(resource)) {
            if (in == null) {
                throw new ClassNotFoundException(name);
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            in.transferTo(bytes);
            byte[] code = bytes.toByteArray();
            return defineClass(name, code, 0, code.length, AdapterLoader.class.getProtectionDomain());
        } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
        }
    }
}
