package io.deadunit.spark.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The example Spark job ({@code io.deadunit.examples.spark.SparkTrainer}) as a user would start it, in a driver
 * JVM of its own: {@code java -cp <job class path> -Dspark.master=local-cluster[N,1,1024] -Dspark.*=...}. Spark's
 * {@code local-cluster} mode starts a master and N workers inside the driver JVM, and each worker launches its
 * executor as a separate {@code java} process (CoarseGrainedExecutorBackend) with the driver's class path and
 * {@code spark.executor.extraJavaOptions}. Without a Spark installation that needs Spark's testing switches:
 * {@code spark.testing} and {@code spark.test.home} (system properties of the driver, read by the in-process
 * workers) and {@code SPARK_TESTING}, {@code SPARK_SCALA_VERSION} in the executors' environment (read by the
 * launcher code that builds their command line).
 *
 * <p>stdout and stderr of the driver go to files in the run directory; the executors' own logs stay in the
 * workers' temporary directories (the command line of each is in the driver's log).
 */
final class SparkJob implements AutoCloseable {
    static final String DONE = "TRAINING_DONE";

    /** What spark-submit adds to a driver on JDK 17 (Spark's JavaModuleOptions); Spark adds them to executors. */
    static final List<String> MODULE_OPTIONS = List.of(
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED", "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
            "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED");

    private final Process process;
    private final Path dir;
    private final List<String> command;

    private SparkJob(Process process, Path dir, List<String> command) {
        this.process = process;
        this.dir = dir;
        this.command = command;
    }

    static final class Builder {
        private final String name;
        private final int executors;
        private String driverJavaOptions = "";
        private String executorJavaOptions = "";
        private final List<String> args = new ArrayList<>();

        Builder(String name, int executors) {
            this.name = name;
            this.executors = executors;
        }

        /** Extra options of the driver JVM (its own -javaagent). */
        Builder driverJavaOptions(String options) {
            this.driverJavaOptions = options;
            return this;
        }

        /** spark.executor.extraJavaOptions; Spark fills in {{APP_ID}} and {{EXECUTOR_ID}}. */
        Builder executorJavaOptions(String options) {
            this.executorJavaOptions = options;
            return this;
        }

        Builder args(String... trainerArgs) {
            args.addAll(Arrays.asList(trainerArgs));
            return this;
        }

        SparkJob start(Path dir) {
            try {
                Files.createDirectories(dir.resolve("spark-home"));
                Map<String, String> spark = new LinkedHashMap<>();
                spark.put("spark.master", "local-cluster[" + executors + ",1,1024]");
                spark.put("spark.testing", "true");
                spark.put("spark.test.home", dir.resolve("spark-home").toString());
                spark.put("spark.executorEnv.SPARK_TESTING", "1");
                spark.put("spark.executorEnv.SPARK_SCALA_VERSION", "2.12");
                spark.put("spark.executorEnv.OMP_NUM_THREADS", "1");
                spark.put("spark.executor.memory", "768m");
                spark.put("spark.default.parallelism", Integer.toString(executors));
                // Start training only once every executor has registered, so that each gets its share.
                spark.put("spark.scheduler.minRegisteredResourcesRatio", "1.0");
                spark.put("spark.scheduler.maxRegisteredResourcesWaitingTime", "300s");
                spark.put("spark.ui.enabled", "false");
                spark.put("spark.driver.host", "127.0.0.1");
                spark.put("spark.driver.bindAddress", "127.0.0.1");
                if (!executorJavaOptions.isEmpty()) {
                    spark.put("spark.executor.extraJavaOptions", executorJavaOptions);
                }
                List<String> cmd = new ArrayList<>();
                cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
                cmd.addAll(MODULE_OPTIONS);
                cmd.add("-Xmx768m");
                if (!driverJavaOptions.isEmpty()) {
                    cmd.addAll(Arrays.asList(driverJavaOptions.split(" ")));
                }
                spark.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
                cmd.add("-cp");
                cmd.add(SparkItEnv.jobClassPath());
                cmd.add("io.deadunit.examples.spark.SparkTrainer");
                cmd.addAll(args);
                ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                        .redirectOutput(dir.resolve("driver-stdout.txt").toFile())
                        .redirectError(dir.resolve("driver-stderr.txt").toFile());
                pb.environment().put("OMP_NUM_THREADS", "1");
                pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
                Files.write(dir.resolve("command.txt"), String.join(" ", cmd).getBytes(StandardCharsets.UTF_8));
                return new SparkJob(pb.start(), dir, cmd);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static Builder job(String name, int executors) {
        return new Builder(name, executors);
    }

    Path dir() {
        return dir;
    }

    /** Waits for TRAINING_DONE on the driver's stdout; fails if the driver exits first or time runs out. */
    void awaitDone(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!stdout().contains(DONE)) {
            if (!process.isAlive() && !stdout().contains(DONE)) {
                throw new AssertionError("driver exited with " + process.exitValue() + " before " + DONE
                        + describe());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + DONE + " within " + timeout + describe());
            }
            sleep(200);
        }
    }

    /** Closes the driver's stdin (ends --hold) and waits for it to stop the cluster and exit. */
    int finish(Duration timeout) {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // already closed
        }
        return waitForExit(timeout);
    }

    int waitForExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("driver still running " + timeout + " later" + describe());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    String stdout() {
        return read(dir.resolve("driver-stdout.txt"));
    }

    String stderr() {
        return read(dir.resolve("driver-stderr.txt"));
    }

    String describe() {
        return "\ncommand: " + String.join(" ", command).replaceAll("-cp \\S+", "-cp <job class path>")
                + "\nrun dir: " + dir
                + "\n--- driver stdout (tail) ---\n" + tail(stdout()) + "\n--- driver stderr (tail) ---\n"
                + tail(stderr());
    }

    private static String tail(String s) {
        return s.length() <= 4000 ? s : "..." + s.substring(s.length() - 4000);
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? new String(Files.readAllBytes(p), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        // Executors are children of the driver's workers; a driver that is killed takes its cluster with it
        // (the workers kill their executors on shutdown), so end the descendants first, then the driver.
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
