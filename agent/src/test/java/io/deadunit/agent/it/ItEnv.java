package io.deadunit.agent.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where the integration tests find their inputs. The agent pom passes them as system properties to failsafe:
 * {@code deadunit.it.agentJar}, {@code deadunit.it.classpathFile} (examples/target/classpath.txt: the trainers'
 * runtime class path) and {@code deadunit.it.examplesClasses} (examples/target/classes). {@code deadunit.it.javaHome}
 * selects another JDK for the forked trainers (default: the JDK running the tests).
 */
final class ItEnv {

    private static final AtomicInteger RUNS = new AtomicInteger();

    private ItEnv() {
    }

    static Path agentJar() {
        Path p = Paths.get(System.getProperty("deadunit.it.agentJar", "target/deadunit-agent.jar"));
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("agent jar not found: " + p.toAbsolutePath()
                    + " (build it with mvn -pl agent package)");
        }
        return p.toAbsolutePath();
    }

    static Path examplesClasses() {
        Path p = Paths.get(System.getProperty("deadunit.it.examplesClasses", "../examples/target/classes"));
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException("examples classes not found: " + p.toAbsolutePath()
                    + " (build them with mvn -pl examples install)");
        }
        return p.toAbsolutePath();
    }

    static Path classpathFile() {
        Path p = Paths.get(System.getProperty("deadunit.it.classpathFile", "../examples/target/classpath.txt"));
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("trainer class path file not found: " + p.toAbsolutePath());
        }
        return p.toAbsolutePath();
    }

    /** The trainers' class path, as a user would pass it: examples classes, then their runtime dependencies. */
    static String trainerClassPath() {
        try {
            String deps = new String(Files.readAllBytes(classpathFile()), StandardCharsets.UTF_8).trim();
            return examplesClasses() + (deps.isEmpty() ? "" : java.io.File.pathSeparator + deps);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path javaExecutable() {
        String home = System.getProperty("deadunit.it.javaHome");
        if (home == null || home.isBlank()) {
            home = System.getProperty("java.home");
        }
        return Paths.get(home, "bin", "java");
    }

    /** A fresh directory for one forked run's files: target/it-runs/NAME-N. */
    static Path runDir(String name) {
        Path dir = Paths.get("target", "it-runs", name + "-" + ProcessHandle.current().pid() + "-"
                + RUNS.incrementAndGet()).toAbsolutePath();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /** A port that was free a moment ago (bound and released on the loopback and wildcard addresses). */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("0.0.0.0"))) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
