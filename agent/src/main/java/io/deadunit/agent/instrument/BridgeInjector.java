package io.deadunit.agent.instrument;

import io.deadunit.agent.probe.ProbeState;
import io.deadunit.agent.probe.Probes;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * Makes the {@link Probes} bridge visible to class loaders that cannot see the agent (a plugin host whose loader
 * does not delegate to the system class loader), by appending a copy of it to the bootstrap class path, once,
 * and wiring that copy to the agent. Only done when such a loader actually holds DL4J: appending to the bootstrap
 * path makes the JVM print a class-data-sharing warning.
 */
public final class BridgeInjector {
    /** Wires a copy of the bridge to the agent's probes. */
    public interface Wiring {
        void wire(Class<?> probesBridge) throws ReflectiveOperationException;
    }

    private static final Class<?>[] BRIDGE = {Probes.class, ProbeState.class};
    static final String JAR_NAME = "bridge.jar";

    private final Instrumentation instrumentation;
    private final Wiring wiring;
    private boolean injected;
    private IOException notWritten;

    public BridgeInjector(Instrumentation instrumentation, Wiring wiring) {
        this.instrumentation = instrumentation;
        this.wiring = wiring;
    }

    /** True when {@code loader} resolves the bridge to the agent's own copy. */
    static boolean seesAgent(ClassLoader loader) {
        String resource = Probes.class.getName().replace('.', '/') + ".class";
        return loader.getResource(resource) != null;
    }

    /**
     * A new empty file for the bridge, in a new directory only the process owner can enter ({@code rwx------}),
     * itself owner-only ({@code rw-------}): in the shared temp directory another user could otherwise read it or,
     * worse, swap it for classes of their own before the bootstrap loader opens it. Both are deleted at exit; the
     * directory's name carries the process id, so that a later agent removes it after a {@code kill -9}
     * ({@link StaleBridgeDirs}).
     */
    static Path privateJar() throws IOException {
        Path dir;
        Path jar;
        String prefix = "deadunit-" + ProcessHandle.current().pid() + "-";
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        // Elsewhere (Windows) a new temp directory inherits the user profile's owner-only ACL.
        dir = posix ? Files.createTempDirectory(prefix,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")))
                : Files.createTempDirectory(prefix);
        try {
            jar = posix ? Files.createFile(dir.resolve(JAR_NAME),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                    : Files.createFile(dir.resolve(JAR_NAME));
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(dir);
            throw e;
        }
        // Registered first, deleted last: the directory is empty by then.
        dir.toFile().deleteOnExit();
        jar.toFile().deleteOnExit();
        return jar;
    }

    synchronized void injectOnce() throws IOException, ReflectiveOperationException {
        if (notWritten != null) {
            // Not retried (a full disk stays full): every isolated loader learns it is not monitored.
            throw notWritten;
        }
        if (injected) {
            return;
        }
        injected = true;
        File jar;
        try {
            jar = privateJar().toFile();
            writeBridge(jar.toPath(), new FileOutputStream(jar));
        } catch (IOException e) {
            notWritten = e;
            throw e;
        }
        instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(jar));
        wiring.wire(Class.forName(Probes.class.getName(), true, null));
    }

    /**
     * Writes the bridge classes into {@code jar} through {@code stream}; on any failure (disk full, read-only
     * file system) deletes the jar and its private directory at once, so nothing partial stays until exit.
     */
    static void writeBridge(Path jar, OutputStream stream) throws IOException {
        try (JarOutputStream out = new JarOutputStream(stream)) {
            for (Class<?> type : BRIDGE) {
                String entry = type.getName().replace('.', '/') + ".class";
                out.putNextEntry(new JarEntry(entry));
                try (InputStream in = BridgeInjector.class.getClassLoader().getResourceAsStream(entry)) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(jar);
            Files.deleteIfExists(jar.getParent());
            throw e;
        }
    }
}
