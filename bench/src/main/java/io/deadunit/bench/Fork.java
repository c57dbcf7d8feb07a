package io.deadunit.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One workload JVM: launched with {@code OMP_NUM_THREADS=1} and a clean environment (no {@code DEADUNIT_*},
 * {@code JAVA_TOOL_OPTIONS} or {@code _JAVA_OPTIONS} leaking in), its {@code BENCH} lines parsed, its whole output
 * kept in a log file.
 */
final class Fork {
    /** A parsed {@code BENCH kind k=v ...} line. */
    static final class Line {
        final String kind;
        final Map<String, String> fields;

        Line(String kind, Map<String, String> fields) {
            this.kind = kind;
            this.fields = fields;
        }

        double number(String key) {
            String v = fields.get(key);
            if (v == null) {
                throw new IllegalStateException("no " + key + " in BENCH " + kind + " " + fields);
            }
            return Double.parseDouble(v);
        }
    }

    /** What a finished fork left behind. */
    static final class Outcome {
        final List<Line> lines = Collections.synchronizedList(new ArrayList<>());
        final StringBuilder stderr = new StringBuilder();
        int exitCode = -1;
        boolean timedOut;
        double wallSeconds;
        /** Share of wall time during which some runnable task of this machine waited for a CPU (PSI "some"). */
        double cpuPressure = Double.NaN;
        Path log;

        Line first(String kind) {
            synchronized (lines) {
                for (Line l : lines) {
                    if (l.kind.equals(kind)) {
                        return l;
                    }
                }
            }
            return null;
        }

        List<Line> all(String kind) {
            List<Line> out = new ArrayList<>();
            synchronized (lines) {
                for (Line l : lines) {
                    if (l.kind.equals(kind)) {
                        out.add(l);
                    }
                }
            }
            return out;
        }

        boolean ok() {
            return exitCode == 0 && !timedOut && first("result") != null;
        }

        /** The agent prints its exit summary when it observed at least one layer. */
        boolean agentObserved() {
            return stderr.indexOf("deadunit: summary") >= 0;
        }

        String failure() {
            String tail = stderr.length() > 1500 ? stderr.substring(stderr.length() - 1500) : stderr.toString();
            return (timedOut ? "timed out" : "exit code " + exitCode) + "; log " + log + "; stderr tail:\n" + tail;
        }
    }

    private Fork() {
    }

    static Outcome run(Setup setup, List<String> jvmArgs, List<String> workloadArgs, long timeoutSeconds,
                       Path log, Consumer<Line> onLine) throws IOException, InterruptedException {
        return run(setup, jvmArgs, workloadArgs, timeoutSeconds, log, onLine, null);
    }

    /** @param onStart given the process once started (to write to its stdin), may be null */
    static Outcome run(Setup setup, List<String> jvmArgs, List<String> workloadArgs, long timeoutSeconds,
                       Path log, Consumer<Line> onLine, Consumer<Process> onStart)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(setup.java);
        command.addAll(setup.jvmFlags);
        command.addAll(jvmArgs);
        long launch = System.currentTimeMillis();
        command.add("-Dbench.launchMillis=" + launch);
        command.add("-cp");
        command.add(setup.classpath);
        command.add(Workload.class.getName());
        command.addAll(workloadArgs);

        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("DEADUNIT_") || k.equals("JAVA_TOOL_OPTIONS")
                || k.equals("_JAVA_OPTIONS") || k.equals("JDK_JAVA_OPTIONS"));
        env.put("OMP_NUM_THREADS", "1");

        Outcome out = new Outcome();
        out.log = log;
        long pressure0 = cpuPressureMicros();
        long t0 = System.nanoTime();
        Process p = pb.start();
        if (onStart != null) {
            onStart.accept(p);
        } else {
            p.getOutputStream().close();
        }
        StringBuilder stdout = new StringBuilder();
        Thread so = pump(p.getInputStream(), line -> {
            synchronized (stdout) {
                stdout.append(line).append('\n');
            }
            if (line.startsWith(Workload.PREFIX)) {
                Line parsed = parse(line.substring(Workload.PREFIX.length()));
                out.lines.add(parsed);
                if (onLine != null) {
                    onLine.accept(parsed);
                }
            }
        });
        Thread se = pump(p.getErrorStream(), line -> {
            synchronized (out.stderr) {
                if (out.stderr.length() < 1_000_000) {
                    out.stderr.append(line).append('\n');
                }
            }
        });
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            out.timedOut = true;
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        so.join(5000);
        se.join(5000);
        out.wallSeconds = (System.nanoTime() - t0) / 1e9;
        long pressure1 = cpuPressureMicros();
        if (pressure0 >= 0 && pressure1 >= 0) {
            out.cpuPressure = (pressure1 - pressure0) / (out.wallSeconds * 1e6);
        }
        out.exitCode = p.isAlive() ? -1 : p.exitValue();
        Files.createDirectories(log.getParent());
        Files.writeString(log, String.join(" ", command) + "\n" + OUTCOME + "exit=" + out.exitCode + " timedOut="
                + out.timedOut + " wallSeconds=" + out.wallSeconds + " cpuPressure=" + out.cpuPressure
                + "\n\n" + STDOUT + stdout + "\n" + STDERR + out.stderr, StandardCharsets.UTF_8);
        return out;
    }

    private static final String OUTCOME = "--- outcome ";
    private static final String STDOUT = "--- stdout\n";
    private static final String STDERR = "--- stderr\n";

    /** A finished fork read back from its log ({@code --resume}); null when the log is missing or incomplete. */
    static Outcome load(Path log) {
        try {
            if (!Files.isRegularFile(log)) {
                return null;
            }
            String text = Files.readString(log, StandardCharsets.UTF_8);
            int o = text.indexOf("\n" + OUTCOME);
            int so = text.indexOf("\n" + STDOUT);
            int se = text.indexOf("\n" + STDERR);
            if (o < 0 || so < 0 || se < 0) {
                return null;
            }
            Outcome out = new Outcome();
            out.log = log;
            Line status = parse("outcome " + text.substring(o + 1 + OUTCOME.length(), text.indexOf('\n', o + 1)));
            out.exitCode = (int) status.number("exit");
            out.timedOut = Boolean.parseBoolean(status.fields.get("timedOut"));
            out.wallSeconds = status.number("wallSeconds");
            out.cpuPressure = status.number("cpuPressure");
            for (String line : text.substring(so + 1 + STDOUT.length(), se).split("\n")) {
                if (line.startsWith(Workload.PREFIX)) {
                    out.lines.add(parse(line.substring(Workload.PREFIX.length())));
                }
            }
            out.stderr.append(text.substring(se + 1 + STDERR.length()));
            return out;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static Line parse(String text) {
        String[] parts = text.trim().split("\\s+");
        Map<String, String> fields = new HashMap<>();
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq > 0) {
                fields.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
            }
        }
        return new Line(parts[0], fields);
    }

    private static Thread pump(InputStream in, Consumer<String> sink) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    sink.accept(line);
                }
            } catch (IOException e) {
                // The process went away.
            }
        }, "bench-pump");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Linux PSI: total microseconds during which at least one task waited for a CPU; -1 when unavailable. */
    static long cpuPressureMicros() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/pressure/cpu"))) {
                if (line.startsWith("some")) {
                    for (String f : line.split("\\s+")) {
                        if (f.startsWith("total=")) {
                            return Long.parseLong(f.substring(6));
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or PSI disabled.
        }
        return -1;
    }

    /** Where and how forks run. */
    static final class Setup {
        final String java;
        final String classpath;
        final List<String> jvmFlags;

        Setup(String java, String classpath, List<String> jvmFlags) {
            this.java = java;
            this.classpath = classpath;
            this.jvmFlags = jvmFlags;
        }
    }
}
