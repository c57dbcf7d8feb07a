package io.deadunit.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The overhead benchmark driver: forks one JVM per run ({@link Workload}, {@code OMP_NUM_THREADS=1}), interleaves
 * the configurations in a rotating order per round, and writes a markdown report. Its parts: {@link BenchOptions}
 * (the options below), {@link Rounds} (the throughput runs), {@link ScrapeTiming} and {@link HeapRuns} (the extras),
 * {@link Results} (what the runs produced), {@link Report} (the markdown, with {@link ThroughputReport} and
 * {@link ExtrasReport}).
 *
 * <pre>
 *   --mode smoke|full     smoke: 1 round, 2 s runs, short extras (proves it works); full: the real figures
 *   --rounds N            rounds of every workload x configuration (full: 5)
 *   --workloads a,b       subset of mlp,cnn,lstm,graph
 *   --configs a,b         subset of none,disabled,agent-defaults,agent-every,statslistener-10,statslistener-1
 *                         (none is always run: every ratio is to it)
 *   --seconds S --warmup S   override the measured / warm-up time of every workload
 *   --extras true|false   scrape time and heap measurements (default true)
 *   --ab true|false       one-JVM comparison (monitoring active vs paused over JMX) after each agent run (default
 *                         true)
 *   --agent PATH          agent jar (default: ../agent/target/deadunit-agent.jar next to this module)
 *   --java PATH           java launcher for the forks (default: the one running this driver)
 *   --out PATH            report (full: bench/results/latest.md; smoke: bench/target/results/smoke.md)
 *   --resume DIR          continue an interrupted run: runs whose log in DIR (bench/target/bench-logs/...) shows
 *                         they completed are not run again (same options and same agent jar snapshot)
 *   --benchDir DIR        this module's directory (default: found from the driver's classes)
 * </pre>
 */
public final class Bench {

    /** The configurations compared, each as a ratio to {@link #NONE} measured in the same run. */
    enum Config {
        NONE("none", "no agent", null, "none", Double.NaN),
        DISABLED("disabled", "agent attached, `enabled=false`", "enabled=false", "none", 0.995),
        AGENT_DEFAULTS("agent-defaults", "agent, defaults (`sampleEvery=10`, `window=100`)", "port=0", "none", 0.99),
        AGENT_EVERY("agent-every", "agent, `sampleEvery=1` (every iteration)", "port=0,sampleEvery=1", "none", 0.95),
        SL_DEFAULT("statslistener-10", "DL4J `StatsListener` every 10 iterations (its default), `InMemoryStatsStorage`",
                null, "default", Double.NaN),
        SL_EVERY("statslistener-1", "DL4J `StatsListener` every iteration, `InMemoryStatsStorage`", null, "every",
                Double.NaN);

        final String id;
        final String description;
        final String agentArgs;
        final String statsListener;
        final double target;

        Config(String id, String description, String agentArgs, String statsListener, double target) {
            this.id = id;
            this.description = description;
            this.agentArgs = agentArgs;
            this.statsListener = statsListener;
            this.target = target;
        }

        boolean agentEnabled() {
            return agentArgs != null && !agentArgs.contains("enabled=false");
        }

        /** Agent configurations that also get the one-JVM comparison, monitoring active vs paused. */
        boolean ab() {
            return this == AGENT_DEFAULTS || this == AGENT_EVERY;
        }

        static Config of(String id) {
            for (Config c : values()) {
                if (c.id.equals(id)) {
                    return c;
                }
            }
            throw new IllegalArgumentException("unknown configuration " + id + "; known: "
                    + Arrays.toString(Arrays.stream(values()).map(c -> c.id).toArray()));
        }
    }

    static final List<String> ALL_WORKLOADS = List.of("mlp", "cnn", "lstm", "graph");
    static final double STARTUP_TARGET_MS = 1000;
    static final double SCRAPE_TARGET_MS = 50;
    static final int SCRAPE_LAYERS = 50;
    static final int FIRST_WINDOW_CLOSED = 110;
    static final double WARMUP_CAP_SECONDS = 20;
    /** Heap after full GC is exact to the byte but moves by a few KiB between checkpoints of any JVM. */
    static final long GROWTH_TOLERANCE_BYTES = 64 * 1024;
    static final String HASH_TABLE_ARRAY = "[Ljava.util.concurrent.ConcurrentHashMap$Node;";

    final BenchOptions o;
    final Fork.Setup setup;
    final Path logDir;
    /** A snapshot: the agent jar may be rebuilt while the benchmark runs. */
    final Path agentJar;
    final Instant agentJarBuilt;
    final Instant started = Instant.now();
    final long pressureStart = Fork.cpuPressureMicros();
    final String loadStart = Machine.loadAverage();
    final Results results;
    private int resumedRuns;

    private Bench(BenchOptions o) throws IOException {
        this.o = o;
        this.results = new Results(o.rounds);
        String cp = Files.readString(o.benchDir.resolve("target/classpath.txt")).trim();
        String classes = o.benchDir.resolve("target/classes").toString();
        this.setup = new Fork.Setup(o.java, classes + java.io.File.pathSeparator + cp, o.jvmFlags);
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(started);
        this.logDir = o.resume != null ? o.resume : o.benchDir.resolve("target/bench-logs/" + o.mode + "-" + stamp);
        this.agentJar = logDir.resolve("deadunit-agent.jar");
        Path built = logDir.resolve("agent-built.txt");
        Files.createDirectories(logDir);
        if (o.resume != null && Files.isRegularFile(agentJar) && Files.isRegularFile(built)) {
            // Resuming an interrupted run: same agent jar as the runs already done.
            this.agentJarBuilt = Instant.parse(Files.readString(built).trim());
        } else {
            this.agentJarBuilt = Files.getLastModifiedTime(o.agentJar).toInstant();
            Files.copy(o.agentJar, agentJar, StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(built, agentJarBuilt.toString());
        }
    }

    public static void main(String[] args) throws Exception {
        Path report = run(args);
        System.out.println("report: " + report);
    }

    /** Runs the benchmark and returns the report's path. */
    public static Path run(String[] args) throws Exception {
        BenchOptions o = BenchOptions.parse(args);
        Bench b = new Bench(o);
        b.execute();
        return o.out;
    }

    private void execute() throws Exception {
        log("deadunit bench, " + o.mode + " mode: " + o.rounds + " round(s) of " + o.workloads + " x "
                + o.configs.stream().map(c -> c.id).toList() + "; agent " + o.agentJar + "; logs " + logDir);
        Rounds rounds = new Rounds(this);
        rounds.warmCaches();
        rounds.throughput();
        if (o.extras) {
            new ScrapeTiming(this).run();
            HeapRuns heap = new HeapRuns(this);
            heap.heapPerLayer();
            heap.heapGrowth();
        }
        String report = new Report(this).write();
        Files.createDirectories(o.out.toAbsolutePath().getParent());
        Files.writeString(o.out, report, StandardCharsets.UTF_8);
        Files.writeString(csvPath(), results.csv(), StandardCharsets.UTF_8);
        System.out.println();
        System.out.println(report);
    }

    private Path csvPath() {
        String name = o.out.getFileName().toString().replaceFirst("\\.md$", "");
        return o.out.toAbsolutePath().getParent().resolve(name + "-runs.csv");
    }

    /** With {@code --resume}: the outcome of a run that completed before the interruption, else null. */
    Fork.Outcome resumed(Path log) {
        if (o.resume == null) {
            return null;
        }
        Fork.Outcome out = Fork.load(log);
        if (out != null && out.ok()) {
            resumedRuns++;
            return out;
        }
        return null;
    }

    /** Runs resumed from the logs of an interrupted attempt. */
    int resumedRuns() {
        return resumedRuns;
    }

    static <T> List<T> rotate(List<T> list, int by) {
        List<T> out = new ArrayList<>(list);
        java.util.Collections.rotate(out, -(by % Math.max(1, list.size())));
        return out;
    }

    /**
     * A port free now for a forked agent's endpoint, below Linux's ephemeral range (32768-60999): a port the kernel
     * hands out as free (port 0) lies inside that range, where any outgoing connection may take it as its source port
     * before the fork binds it (the grafana ITs hit this: "already in use").
     */
    static int freePort() throws IOException {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = random.nextInt(20_000, 32_000);
            try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void log(String message) {
        System.out.println(DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC).format(Instant.now())
                + " " + message);
        System.out.flush();
    }
}
