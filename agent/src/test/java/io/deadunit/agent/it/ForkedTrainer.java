package io.deadunit.agent.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import java.util.function.Predicate;
import java.util.stream.Collectors;

import io.deadunit.agent.it.fixtures.ChildLoaderLauncher;

/**
 * One example trainer in its own JVM, exactly as a user would run it:
 * {@code java -javaagent:<agentJar>=<args> -cp <examples classes>:<their dependencies> <mainClass> <trainer args>},
 * with {@code OMP_NUM_THREADS=1}. stdout and stderr go to files in the run directory.
 *
 * <p>By default the trainer is started with {@code --hold}: after training it prints {@code TRAINING_DONE} and
 * waits for stdin to close, so the test can scrape {@code /metrics} at leisure; {@link #finish} closes stdin.
 * The agent port is a free port picked per run and prepended to the agent arguments as {@code port=P} unless they
 * already set one.
 */
final class ForkedTrainer implements AutoCloseable {

    static final String DONE = "TRAINING_DONE";
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(90);

    private final Process process;
    private final Path dir;
    private final Path stdout;
    private final Path stderr;
    private final int port;
    private final List<String> command;
    private long doneAtNanos = -1;

    private ForkedTrainer(Process process, Path dir, Path stdout, Path stderr, int port, List<String> command) {
        this.process = process;
        this.dir = dir;
        this.stdout = stdout;
        this.stderr = stderr;
        this.port = port;
        this.command = command;
    }

    /** A trainer of package io.deadunit.examples, by simple name (e.g. "DeadLayerTrainer"). */
    static Builder trainer(String simpleName) {
        return new Builder(simpleName.contains(".") ? simpleName : "io.deadunit.examples." + simpleName);
    }

    static final class Builder {
        private final String mainClass;
        private String agentArgs = "";
        private boolean agent = true;
        private final List<String> args = new ArrayList<>();
        private boolean hold = true;
        private int port = -1;
        private String name;
        private final Map<String, String> env = new LinkedHashMap<>();
        private final List<String> jvmArgs = new ArrayList<>();
        private final List<String> wrapper = new ArrayList<>();
        private String childLoader;
        private int fileSizeLimitKib = -1;

        private Builder(String mainClass) {
            this.mainClass = mainClass;
            this.name = mainClass.substring(mainClass.lastIndexOf('.') + 1);
        }

        /** Agent arguments (without the port, which is added unless given here). */
        Builder agentArgs(String agentArgs) {
            this.agentArgs = agentArgs;
            this.agent = true;
            return this;
        }

        /** Run the trainer without -javaagent. */
        Builder withoutAgent() {
            this.agent = false;
            return this;
        }

        Builder args(String... trainerArgs) {
            args.addAll(Arrays.asList(trainerArgs));
            return this;
        }

        Builder hold(boolean hold) {
            this.hold = hold;
            return this;
        }

        Builder port(int port) {
            this.port = port;
            return this;
        }

        Builder name(String name) {
            this.name = name;
            return this;
        }

        Builder env(String key, String value) {
            env.put(key, value);
            return this;
        }

        /** Options of the trainer's JVM (before -javaagent), e.g. -Xmx. */
        Builder jvmArgs(String... options) {
            jvmArgs.addAll(Arrays.asList(options));
            return this;
        }

        /** A command that runs the JVM, e.g. {@code unshare -m sh -c '...; exec "$@"' sh}: the java command follows. */
        Builder wrapper(List<String> command) {
            wrapper.addAll(command);
            return this;
        }

        /**
         * The JVM runs under a file-size limit ({@code ulimit -f}, in KiB; 0: no regular file may grow): a write
         * past it fails with EFBIG from the kernel (HotSpot ignores SIGXFSZ), as on a disk that fills. stdout and
         * stderr then reach their files through pipes (a pipe has no such limit) copied by this JVM.
         */
        Builder fileSizeLimitKib(int kib) {
            this.fileSizeLimitKib = kib;
            return this;
        }

        /**
         * Starts the trainer through its own class loader ({@code system} or {@code isolated}, see
         * {@link io.deadunit.agent.it.fixtures.ChildLoaderLauncher}); only the launcher is on the class path.
         */
        Builder childLoader(String parent) {
            this.childLoader = parent;
            return this;
        }

        ForkedTrainer start() {
            Path dir = ItEnv.runDir(name);
            int p = port >= 0 ? port : ItEnv.freePort();
            List<String> cmd = new ArrayList<>(wrapper);
            if (fileSizeLimitKib >= 0) {
                // bash's ulimit -f counts 1024-byte blocks
                cmd.addAll(List.of("bash", "-c", "ulimit -f " + fileSizeLimitKib + " && exec \"$@\"", "bash"));
            }
            cmd.add(ItEnv.javaExecutable().toString());
            cmd.addAll(jvmArgs);
            if (agent) {
                String a = agentArgs == null ? "" : agentArgs;
                if (!a.matches("(^|.*,)\\s*port\\s*=.*")) {
                    a = a.isEmpty() ? "port=" + p : "port=" + p + "," + a;
                }
                cmd.add("-javaagent:" + ItEnv.agentJar() + "=" + a);
            }
            cmd.add("-cp");
            if (childLoader == null) {
                cmd.add(ItEnv.trainerClassPath());
            } else {
                cmd.add(launcherClasses());
                cmd.addAll(List.of(ChildLoaderLauncher.class.getName(), childLoader, ItEnv.trainerClassPath()));
            }
            cmd.add(mainClass);
            cmd.addAll(args);
            if (hold) {
                cmd.add("--hold");
            }
            Path out = dir.resolve("stdout.txt");
            Path err = dir.resolve("stderr.txt");
            boolean pipes = fileSizeLimitKib >= 0;
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
            if (!pipes) {
                pb.redirectOutput(out.toFile()).redirectError(err.toFile());
            }
            pb.environment().put("OMP_NUM_THREADS", "1");
            pb.environment().putAll(env);
            try {
                Files.write(dir.resolve("command.txt"), String.join(" ", cmd).getBytes(StandardCharsets.UTF_8));
                Process process = pb.start();
                if (pipes) {
                    copy(process.getInputStream(), out);
                    copy(process.getErrorStream(), err);
                }
                return new ForkedTrainer(process, dir, out, err, p, cmd);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static String launcherClasses() {
            try {
                return Paths.get(ChildLoaderLauncher.class.getProtectionDomain().getCodeSource().getLocation()
                        .toURI()).toString();
            } catch (java.net.URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Copies a child's pipe to a file as it comes (the file is created at once, like a redirect's). */
        private static void copy(InputStream from, Path to) throws IOException {
            OutputStream file = Files.newOutputStream(to);
            Thread copier = new Thread(() -> {
                try (from; file) {
                    from.transferTo(file);
                } catch (IOException e) {
                    // the child is gone; what arrived is in the file
                }
            }, "copy " + to.getFileName());
            copier.setDaemon(true);
            copier.start();
        }
    }

    int port() {
        return port;
    }

    Path dir() {
        return dir;
    }

    /** A path in this run's directory, e.g. for --groundTruth or --params. */
    Path file(String name) {
        return dir.resolve(name);
    }

    Process process() {
        return process;
    }

    /** Waits until TRAINING_DONE is on stdout; fails if the trainer dies first or the timeout passes. */
    ForkedTrainer awaitDone() {
        return awaitDone(DEFAULT_TIMEOUT);
    }

    ForkedTrainer awaitDone(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (stdoutLines().contains(DONE)) {
                doneAtNanos = System.nanoTime();
                return this;
            }
            if (!process.isAlive()) {
                // it may have printed DONE just before exiting
                if (stdoutLines().contains(DONE)) {
                    doneAtNanos = System.nanoTime();
                    return this;
                }
                throw new AssertionError("trainer exited with " + process.exitValue() + " before " + DONE
                        + describe());
            }
            if (System.nanoTime() > deadline) {
                // Where it hangs, taken before close() kills it (the whole dump is in threads.txt).
                throw new AssertionError("no " + DONE + " within " + timeout + describe()
                        + "\nthreads (not daemon; all in " + dir.resolve("threads.txt") + "):\n" + threadDump());
            }
            sleep(50);
        }
    }

    /** System.nanoTime() when TRAINING_DONE was first seen (-1 before). */
    long doneAtNanos() {
        return doneAtNanos;
    }

    /** GET http://127.0.0.1:PORT/metrics, parsed. */
    PrometheusText scrape() {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(10)).GET().build();
        try {
            HttpResponse<String> resp = client.send(req, HttpResponse.BodyHandlers.ofString());
            if (resp.statusCode() != 200) {
                throw new AssertionError("GET /metrics returned " + resp.statusCode() + ": " + resp.body());
            }
            Files.write(dir.resolve("metrics-" + System.nanoTime() + ".txt"),
                    resp.body().getBytes(StandardCharsets.UTF_8));
            return PrometheusText.parse(resp.body());
        } catch (IOException e) {
            throw new UncheckedIOException("scrape of port " + port + " failed" + describe(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * Scrapes until {@code ready} holds (or the timeout passes: then returns the last scrape, and the assertions
     * that follow say what is missing).
     */
    PrometheusText scrapeUntil(Predicate<PrometheusText> ready, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        PrometheusText last = null;
        while (true) {
            try {
                last = scrape();
                if (ready.test(last)) {
                    return last;
                }
            } catch (UncheckedIOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                return last;
            }
            sleep(200);
        }
    }

    /** Closes stdin (ends --hold), waits for the exit, returns the exit code. */
    int finish() {
        return finish(Duration.ofSeconds(30));
    }

    int finish(Duration timeout) {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // already closed
        }
        return waitForExit(timeout);
    }

    /** Waits for the process to exit by itself; fails on timeout. */
    int waitForExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("trainer still running " + timeout + " later" + describe()
                        + "\nthreads:\n" + threadDump());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * jstack of the process if available (for diagnosing a JVM that hangs or does not exit): written whole to
     * threads.txt in the run directory; returns the stacks of the threads that are not daemons.
     */
    String threadDump() {
        Path jstack = ItEnv.javaExecutable().getParent().resolve("jstack");
        if (!Files.isExecutable(jstack) || !process.isAlive()) {
            return "(no thread dump)";
        }
        try {
            Process p = new ProcessBuilder(jstack.toString(), Long.toString(process.pid()))
                    .redirectErrorStream(true).start();
            String dump = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(20, TimeUnit.SECONDS);
            Files.write(dir.resolve("threads.txt"), dump.getBytes(StandardCharsets.UTF_8));
            // One block per thread, separated by blank lines: the non-daemon threads with their stacks.
            return Arrays.stream(dump.split("\n\\s*\n")).filter(b -> b.startsWith("\""))
                    .filter(b -> !b.lines().findFirst().orElse("").contains(" daemon "))
                    .collect(Collectors.joining("\n"));
        } catch (IOException e) {
            return "(jstack failed: " + e + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
    }

    String stdout() {
        return read(stdout);
    }

    String stderr() {
        return read(stderr);
    }

    List<String> stdoutLines() {
        return lines(stdout());
    }

    List<String> stderrLines() {
        return lines(stderr());
    }

    private static List<String> lines(String s) {
        return s.isEmpty() ? List.of() : Arrays.asList(s.split("\\R"));
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? new String(Files.readAllBytes(p), StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Command, run directory, and the tails of stdout and stderr, for failure messages. */
    String describe() {
        return "\ncommand: " + String.join(" ", command).replaceAll("-cp \\S+", "-cp <trainer class path>")
                + "\nrun dir: " + dir
                + "\n--- stdout (tail) ---\n" + tail(stdout(), 3000)
                + "\n--- stderr (tail) ---\n" + tail(stderr(), 3000);
    }

    private static String tail(String s, int n) {
        return s.length() <= n ? s : "..." + s.substring(s.length() - n);
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
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
