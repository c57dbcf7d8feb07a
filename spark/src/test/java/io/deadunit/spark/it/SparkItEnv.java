package io.deadunit.spark.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Inputs of the Spark integration test, passed by the spark pom to failsafe: {@code deadunit.it.agentJar} and
 * {@code deadunit.it.jobClasspathFile} (spark/target/classpath.txt) plus the module's classes.
 */
final class SparkItEnv {
    private SparkItEnv() {
    }

    static Path agentJar() {
        Path p = Paths.get(System.getProperty("deadunit.it.agentJar", "../agent/target/deadunit-agent.jar"));
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("agent jar not found: " + p.toAbsolutePath()
                    + " (build it with mvn -pl agent -am package)");
        }
        return p.toAbsolutePath();
    }

    /** The job's class path: this module's classes (the job), then its runtime dependencies. */
    static String jobClassPath() {
        Path classes = Paths.get(System.getProperty("deadunit.it.jobClasses", "target/classes")).toAbsolutePath();
        Path file = Paths.get(System.getProperty("deadunit.it.jobClasspathFile", "target/classpath.txt"));
        try {
            String deps = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
            return classes + (deps.isEmpty() ? "" : java.io.File.pathSeparator + deps);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path runDir(String name) {
        Path dir = Paths.get("target", "it-runs", name + "-" + System.currentTimeMillis()).toAbsolutePath();
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("0.0.0.0"))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A decimal prefix P such that ports P0…P(n-1) are free a moment ago: {@code port=P{{EXECUTOR_ID}}} then
     * gives executor i the port Pi, and the test knows where each executor serves.
     */
    static int freePortPrefix(int n) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int prefix = ThreadLocalRandom.current().nextInt(2000, 6500);
            boolean free = true;
            for (int i = 0; i < n && free; i++) {
                free = isFree(prefix * 10 + i);
            }
            if (free) {
                return prefix;
            }
        }
        throw new IllegalStateException("no free block of " + n + " ports");
    }

    private static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName("0.0.0.0"))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
