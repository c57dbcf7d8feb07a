package io.deadunit.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import static io.deadunit.bench.Stats.bytes;
import static io.deadunit.bench.Stats.f;
import static io.deadunit.bench.Stats.its;
import static io.deadunit.bench.Stats.median;

/**
 * The overhead benchmark driver: forks one JVM per run ({@link Workload}, {@code OMP_NUM_THREADS=1}), interleaves
 * the configurations in a rotating order per round, and writes a markdown report.
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

    /** A workload x configuration x round. */
    record Run(String workload, Config config, int round, Fork.Outcome outcome) {
        boolean ok() {
            return outcome.ok();
        }

        double its() {
            return ok() ? outcome.first("result").number("its") : Double.NaN;
        }

        /** Iterations per second of process CPU time: insensitive to time the JVM spent waiting for a core. */
        double itsPerCpu() {
            if (!ok()) {
                return Double.NaN;
            }
            Fork.Line r = outcome.first("result");
            double cpu = r.number("processCpuSeconds");
            return cpu > 0 ? r.number("iterations") / cpu : Double.NaN;
        }

        /** Share of the measured wall time the agent itself counted as spent in its code on training threads. */
        double selfTimedShare() {
            Fork.Line l = outcome.first("selftime");
            return l == null || !ok() ? Double.NaN : l.number("share");
        }

        /**
         * One JVM, monitoring active vs paused: it/s over all active segments / it/s over all paused ones (segments
         * pooled, so window closes weigh as often as they happened); NaN without A/B pairs.
         */
        double activeOverPaused() {
            double[] sums = new double[4];
            for (Fork.Line l : ok() ? outcome.all("ab") : List.<Fork.Line>of()) {
                if (l.fields.containsKey("pair")) {
                    sums[0] += l.number("activeIterations");
                    sums[1] += l.number("activeSeconds");
                    sums[2] += l.number("pausedIterations");
                    sums[3] += l.number("pausedSeconds");
                }
            }
            return sums[1] == 0 || sums[2] == 0 ? Double.NaN : (sums[0] / sums[1]) / (sums[2] / sums[3]);
        }

        /** Each A/B pair's active / paused it/s. */
        List<Double> pairRatios() {
            List<Double> ratios = new ArrayList<>();
            for (Fork.Line l : ok() ? outcome.all("ab") : List.<Fork.Line>of()) {
                if (l.fields.containsKey("pair")) {
                    ratios.add((l.number("activeIterations") / l.number("activeSeconds"))
                            / (l.number("pausedIterations") / l.number("pausedSeconds")));
                }
            }
            return ratios;
        }

        double firstIterationMs() {
            Fork.Line l = outcome.first("first");
            return l == null ? Double.NaN : l.number("sinceLaunchMs");
        }

        /** Process CPU time (all threads) spent until the first iteration completed. */
        double firstIterationCpuMs() {
            Fork.Line l = outcome.first("first");
            return l == null ? Double.NaN : l.number("processCpuMs");
        }
    }

    /**
     * Warm-up: at least {@code warmup} seconds and {@code warmupIterations} iterations (capped at 20 s); then
     * {@code seconds} measured; then, in agent runs, {@code abPairs} pairs of {@code abSeconds}-second segments with
     * the agent's monitoring on and off.
     */
    record Durations(double warmup, double seconds, int warmupIterations, int abPairs, double abSeconds) {
        Durations(double warmup, double seconds, int warmupIterations) {
            this(warmup, seconds, warmupIterations, 0, 0);
        }

        double abTotal() {
            return abPairs * 2 * (abSeconds + 1);
        }
    }

    record ScrapeRound(int round, double coldMs, List<Double> promMs, List<Double> plainMs, int layers,
                       int bodyBytes, int gzipBytes, int lines, String error) {
    }

    record HeapRun(String label, int layers, Config config, Fork.Outcome outcome) {
        Fork.Line end() {
            for (Fork.Line l : outcome.all("heap")) {
                if ("end".equals(l.fields.get("iteration"))) {
                    return l;
                }
            }
            return null;
        }
    }

    private final Options o;
    private final Fork.Setup setup;
    private final Path logDir;
    private final Path agentJar;
    private final Instant agentJarBuilt;
    private final Instant started = Instant.now();
    private final long pressureStart = Fork.cpuPressureMicros();
    private final String loadStart = loadAverage();
    private final List<Run> runs = new ArrayList<>();
    private final List<ScrapeRound> scrapes = new ArrayList<>();
    private final List<HeapRun> heapRuns = new ArrayList<>();
    private final List<HeapRun> growthRuns = new ArrayList<>();
    private final List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
    private String forkJdk = "?";
    private int resumedRuns;
    private String forkThreads = "?";

    private Bench(Options o) throws IOException {
        this.o = o;
        String cp = Files.readString(o.benchDir.resolve("target/classpath.txt")).trim();
        String classes = o.benchDir.resolve("target/classes").toString();
        this.setup = new Fork.Setup(o.java, classes + java.io.File.pathSeparator + cp, o.jvmFlags);
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(started);
        this.logDir = o.resume != null ? o.resume : o.benchDir.resolve("target/bench-logs/" + o.mode + "-" + stamp);
        // A snapshot: the agent jar may be rebuilt while the benchmark runs.
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
        Options o = Options.parse(args);
        Bench b = new Bench(o);
        b.execute();
        return o.out;
    }

    private void execute() throws Exception {
        log("deadunit bench, " + o.mode + " mode: " + o.rounds + " round(s) of " + o.workloads + " x "
                + o.configs.stream().map(c -> c.id).toList() + "; agent " + o.agentJar + "; logs " + logDir);
        warmCaches();
        throughput();
        if (o.extras) {
            scrape();
            heapPerLayer();
            heapGrowth();
        }
        String report = report();
        Files.createDirectories(o.out.toAbsolutePath().getParent());
        Files.writeString(o.out, report, StandardCharsets.UTF_8);
        Files.writeString(csvPath(), csv(), StandardCharsets.UTF_8);
        System.out.println();
        System.out.println(report);
    }

    private Path csvPath() {
        String name = o.out.getFileName().toString().replaceFirst("\\.md$", "");
        return o.out.toAbsolutePath().getParent().resolve(name + "-runs.csv");
    }

    // ----------------------------------------------------------------------------------------------------------
    // Phases

    /** JavaCPP unpacks its native libraries on the first run: do it outside any measurement. */
    private void warmCaches() throws Exception {
        Fork.Outcome out = Fork.run(setup, List.of(), List.of("--workload", "mlp", "--warmup", "0", "--seconds",
                "0.5"), 600, logDir.resolve("warm-caches.log"), null);
        if (!out.ok()) {
            throw new IllegalStateException("the workload does not run: " + out.failure());
        }
        Fork.Line env = out.first("env");
        forkJdk = env.fields.get("java").replace('_', ' ');
        forkThreads = "OMP_NUM_THREADS=" + env.fields.get("omp") + "; ND4J maxThreads=" + env.fields.get("ndThreads")
                + ", maxMasterThreads=" + env.fields.get("ndMasterThreads");
        log("caches warm; forks run " + forkJdk + " (" + forkThreads + ")");
    }

    private void throughput() throws Exception {
        int total = o.rounds * o.workloads.size() * o.configs.size();
        int done = 0;
        long t0 = System.nanoTime();
        for (int round = 1; round <= o.rounds; round++) {
            for (int w = 0; w < o.workloads.size(); w++) {
                String workload = o.workloads.get(w);
                Durations d = o.durations(workload);
                List<Config> order = rotate(o.configs, round - 1 + w);
                for (Config c : order) {
                    List<String> jvm = new ArrayList<>();
                    List<String> args = new ArrayList<>(List.of("--workload", workload, "--warmup", f(d.warmup, 1),
                            "--warmupIterations", String.valueOf(d.warmupIterations), "--warmupCap",
                            f(WARMUP_CAP_SECONDS, 0), "--seconds", f(d.seconds, 1), "--statsListener",
                            c.statsListener));
                    if (c.agentEnabled()) {
                        // A known port, so that the workload can read the agent's self-timed overhead before and
                        // after the measured interval.
                        int port = freePort();
                        jvm.add("-javaagent:" + agentJar + "=" + c.agentArgs.replace("port=0",
                                "host=127.0.0.1,port=" + port));
                        args.add("--metricsUrl");
                        args.add("http://127.0.0.1:" + port + "/metrics");
                        if (c.ab() && d.abPairs > 0) {
                            args.addAll(List.of("--abPairs", String.valueOf(d.abPairs), "--abSeconds",
                                    f(d.abSeconds, 1)));
                        }
                    } else if (c.agentArgs != null) {
                        jvm.add("-javaagent:" + agentJar + "=" + c.agentArgs);
                    }
                    Path log = logDir.resolve(String.format(Locale.ROOT, "r%d-%s-%s.log", round, workload, c.id));
                    Fork.Outcome out = resumed(log);
                    if (out == null) {
                        out = Fork.run(setup, jvm, args,
                                (long) (d.warmup + d.seconds + WARMUP_CAP_SECONDS + d.abTotal()) + 300, log, null);
                    }
                    Run run = new Run(workload, c, round, out);
                    runs.add(run);
                    done++;
                    double elapsed = (System.nanoTime() - t0) / 1e9;
                    double eta = elapsed / done * (total - done);
                    if (!out.ok()) {
                        problems.add("round " + round + " " + workload + " " + c.id + " failed: " + out.failure());
                        log(String.format(Locale.ROOT, "[%d/%d] round %d %-6s %-17s FAILED (%s)", done, total, round,
                                workload, c.id, out.log));
                        continue;
                    }
                    if (c.agentEnabled() && !out.agentObserved()) {
                        problems.add("round " + round + " " + workload + " " + c.id
                                + ": the agent printed no exit summary (did it observe any layer?); log " + out.log);
                    }
                    log(String.format(Locale.ROOT,
                            "[%d/%d] round %d %-6s %-17s %8s it/s  first iteration %5.2f s  cpu pressure %3.0f%%  "
                                    + "(%s elapsed, ~%s left)",
                            done, total, round, workload, c.id, its(run.its()), run.firstIterationMs() / 1000,
                            100 * out.cpuPressure, minutes(elapsed), minutes(eta)));
                }
            }
        }
    }

    private void scrape() throws Exception {
        for (int round = 1; round <= o.scrapeRounds; round++) {
            int port = freePort();
            CountDownLatch ready = new CountDownLatch(1);
            ScrapeRound[] result = new ScrapeRound[1];
            int count = o.scrapeCount;
            Process[] process = new Process[1];
            CountDownLatch started = new CountDownLatch(1);
            Thread scraper = new Thread(() -> {
                try {
                    if (ready.await(600, TimeUnit.SECONDS)) {
                        result[0] = scrapeSeries(port, count);
                    }
                } catch (Exception e) {
                    result[0] = new ScrapeRound(0, Double.NaN, List.of(), List.of(), 0, 0, 0, 0, e.toString());
                } finally {
                    stopWorkload(started, process);
                }
            }, "bench-scraper");
            scraper.start();
            List<String> jvm = List.of("-javaagent:" + agentJar + "=host=127.0.0.1,port=" + port
                    + ",sampleEvery=1,window=5");
            // Trains until the driver has finished scraping (it writes "stop"), at most scrapeSeconds.
            List<String> args = List.of("--workload", "deep", "--layers", String.valueOf(SCRAPE_LAYERS), "--warmup",
                    f(o.scrapeWarmup, 1), "--seconds", f(o.scrapeSeconds, 1), "--untilStop");
            Fork.Outcome out = Fork.run(setup, jvm, args, (long) (o.scrapeWarmup + o.scrapeSeconds) + 300,
                    logDir.resolve("scrape-r" + round + ".log"), line -> {
                        if (line.kind.equals("ready")) {
                            ready.countDown();
                        }
                    }, p -> {
                        process[0] = p;
                        started.countDown();
                    });
            ready.countDown();
            scraper.join(TimeUnit.SECONDS.toMillis(120));
            ScrapeRound s = result[0];
            if (s == null || s.error != null || !out.ok()) {
                problems.add("scrape round " + round + " failed: " + (s == null ? "no scrape" : s.error)
                        + (out.ok() ? "" : "; " + out.failure()));
                log("scrape round " + round + " FAILED");
                continue;
            }
            s = new ScrapeRound(round, s.coldMs, s.promMs, s.plainMs, s.layers, s.bodyBytes, s.gzipBytes, s.lines,
                    null);
            if (s.promMs.size() < count) {
                problems.add("scrape round " + round + ": only " + s.promMs.size() + " of " + count
                        + " scrapes finished while the workload ran");
            }
            scrapes.add(s);
            log(String.format(Locale.ROOT, "scrape round %d: cold %.1f ms, median %.1f ms (Prometheus headers, "
                            + "gzip), %.1f ms (plain text); %d layers, %d series, %s",
                    round, s.coldMs, median(s.promMs), median(s.plainMs), s.layers, s.lines, bytes(s.bodyBytes)));
        }
    }

    private ScrapeRound scrapeSeries(int port, int count) throws Exception {
        String url = "http://127.0.0.1:" + port + "/metrics";
        Scrape cold = Scrape.get(url, true);
        List<Double> prom = new ArrayList<>();
        List<Double> plain = new ArrayList<>();
        Scrape last = cold;
        try {
            for (int i = 0; i < count; i++) {
                Thread.sleep(200);
                last = Scrape.get(url, true);
                prom.add(last.millis);
                Thread.sleep(200);
                plain.add(Scrape.get(url, false).millis);
            }
        } catch (IOException e) {
            problems.add("scrape series cut short after " + prom.size() + " scrapes: " + e);
        }
        return new ScrapeRound(0, cold.millis, prom, plain, last.layers, last.bodyBytes, last.wireBytes,
                last.series, null);
    }

    private static void stopWorkload(CountDownLatch started, Process[] process) {
        try {
            if (started.await(60, TimeUnit.SECONDS) && process[0] != null) {
                try (var in = process[0].getOutputStream()) {
                    in.write("stop\n".getBytes(StandardCharsets.UTF_8));
                }
            }
        } catch (IOException | InterruptedException e) {
            // The workload has exited already: nothing to stop.
        }
    }

    private void heapPerLayer() throws Exception {
        for (int rep = 1; rep <= o.heapReps; rep++) {
            for (int layers : new int[] {5, SCRAPE_LAYERS}) {
                for (Config c : List.of(Config.NONE, Config.AGENT_DEFAULTS)) {
                    List<String> jvm = c.agentArgs == null ? List.of()
                            : List.of("-javaagent:" + agentJar + "=" + c.agentArgs);
                    List<String> args = List.of("--workload", "deep", "--layers", String.valueOf(layers),
                            "--iterations", String.valueOf(o.heapIterations), "--heapReport");
                    Path log = logDir.resolve("heap-" + layers + "-" + c.id + "-" + rep + ".log");
                    Fork.Outcome out = resumed(log);
                    if (out == null) {
                        out = Fork.run(setup, jvm, args, 600, log, null);
                    }
                    HeapRun h = new HeapRun("deep" + layers, layers, c, out);
                    if (!out.ok() || h.end() == null) {
                        problems.add("heap run deep" + layers + " " + c.id + " failed: " + out.failure());
                        continue;
                    }
                    heapRuns.add(h);
                    log(String.format(Locale.ROOT, "heap deep%d %-15s after %d iterations: %s live (histogram)",
                            layers, c.id, o.heapIterations, bytes(h.end().number("histogramTotal"))));
                }
            }
        }
    }

    private void heapGrowth() throws Exception {
        String at = o.growthCheckpoints.stream().map(String::valueOf).reduce((a, b) -> a + "," + b).orElse("");
        for (Config c : List.of(Config.NONE, Config.AGENT_EVERY)) {
            List<String> jvm = new ArrayList<>();
            if (c.agentArgs != null) {
                jvm.add("-javaagent:" + agentJar + "=" + c.agentArgs);
            }
            jvm.add("-Dbench.histogramDir=" + growthDir(c));
            List<String> args = List.of("--workload", "small", "--iterations", String.valueOf(o.growthIterations),
                    "--heapAt", at);
            Path log = logDir.resolve("growth-" + c.id + ".log");
            Fork.Outcome out = resumed(log);
            if (out == null) {
                out = Fork.run(setup, jvm, args, 1800, log, null);
            }
            if (!out.ok()) {
                problems.add("heap growth run " + c.id + " failed: " + out.failure());
                continue;
            }
            growthRuns.add(new HeapRun("small", 3, c, out));
            StringBuilder sb = new StringBuilder();
            for (Fork.Line l : out.all("heap")) {
                sb.append(' ').append(l.fields.get("iteration")).append(": ").append(bytes(l.number("histogramTotal")));
            }
            log("heap growth " + c.id + ":" + sb);
        }
    }

    // ----------------------------------------------------------------------------------------------------------
    // Report

    private String report() {
        Instant finished = Instant.now();
        long pressureEnd = Fork.cpuPressureMicros();
        double wall = Duration.between(started, finished).toMillis() / 1000.0;
        StringBuilder r = new StringBuilder();
        r.append("# deadunit overhead benchmark (").append(o.mode).append(" mode)\n\n");
        if (o.mode.equals("smoke")) {
            r.append("> **Smoke mode**: one short round, to prove the benchmark runs. The figures are NOT "
                    + "meaningful; run `bench/run.sh full` for real ones.\n\n");
        }
        r.append("| | |\n|---|---|\n");
        r.append("| date | ").append(DateTimeFormatter.ISO_INSTANT.format(started.truncatedTo(
                java.time.temporal.ChronoUnit.SECONDS))).append(" (").append(minutes(wall)).append(")|\n");
        r.append("| machine | ").append(cpuModel()).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" logical CPUs, ").append(memTotal()).append(", ").append(System.getProperty("os.name"))
                .append(' ').append(System.getProperty("os.version")).append(' ').append(System.getProperty("os.arch"))
                .append(" |\n");
        r.append("| JDK (forks) | ").append(forkJdk).append(" |\n");
        r.append("| threads | ").append(forkThreads).append(" |\n");
        r.append("| JVM flags | `").append(String.join(" ", o.jvmFlags)).append("` |\n");
        r.append("| DL4J | 1.0.0-M2.1, nd4j-native linux-x86_64 (CPU), batch 64, synthetic data |\n");
        r.append("| agent | `").append(relative(o.agentJar)).append("`, ").append(agentInfo()).append(" |\n");
        r.append("| plan | ").append(o.rounds).append(" round(s); each workload x configuration in a fresh JVM, "
                + "configurations in a rotating order per round; warm-up / measured seconds: ");
        List<String> ds = new ArrayList<>();
        for (String w : o.workloads) {
            Durations d = o.durations(w);
            ds.add(w + " " + f(d.warmup, 0) + (d.warmupIterations > 0 ? " (and ≥ " + d.warmupIterations
                    + " iterations, ≤ " + f(WARMUP_CAP_SECONDS, 0) + " s)" : "") + " / " + f(d.seconds, 0));
        }
        r.append(String.join(", ", ds));
        if (o.resume != null) {
            r.append("; resumed after an interruption: ").append(resumedRuns).append(" run(s) taken from the logs of "
                    + "the first attempt (`").append(relative(o.resume)).append("`), the date is the resumption's");
        }
        r.append(" |\n");
        r.append("| machine load | load average ").append(loadStart).append(" at start, ").append(loadAverage())
                .append(" at end; CPU pressure (PSI some) ");
        if (pressureStart >= 0 && pressureEnd >= 0) {
            r.append(f(100.0 * (pressureEnd - pressureStart) / (wall * 1e6), 0)).append("% of the time");
        } else {
            r.append("n/a");
        }
        r.append(" |\n\n");

        List<String[]> verdicts = new ArrayList<>();
        throughputSection(r, verdicts);
        abSection(r, verdicts);
        startupSection(r, verdicts);
        if (o.extras) {
            scrapeSection(r, verdicts);
            heapSection(r, verdicts);
        }

        StringBuilder v = new StringBuilder();
        v.append("## Targets\n\n| target | measured | verdict |\n|---|---|---|\n");
        for (String[] t : verdicts) {
            v.append("| ").append(t[0]).append(" | ").append(t[1]).append(" | ").append(t[2]).append(" |\n");
        }
        v.append('\n');
        int at = r.indexOf("## Throughput");
        r.insert(at, v);

        r.append("## How to read this\n\n");
        r.append("- **it/s**: training iterations (one `fit` of a batch of 64) per second of wall time, measured in a "
                + "fresh JVM after the warm-up; median and min–max over the rounds.\n");
        r.append("- **ratio of medians**: median it/s of the configuration / median it/s of `none`. **paired ratio**: "
                + "in each round, it/s of the configuration / it/s of `none` of the same round (run minutes apart); "
                + "median and min–max over rounds. It is the more robust figure on a shared machine.\n");
        r.append("- **CPU ratio**: the same ratio of medians with iterations per second of *process CPU time* "
                + "(all threads: training, GC, JIT, the agent's own). Time spent waiting for a core (other processes) "
                + "does not count, so it is less sensitive to load; the agent's work on any thread does count.\n");
        r.append("- **agent self-timed**: the agent's own count of time spent in its code on the training thread "
                + "(`deadunit_agent_overhead_seconds_total`, read before and after the measured interval) as a share "
                + "of the measured wall time: median over rounds. Unlike the ratios it does not depend on the "
                + "machine's load; 1 − share estimates the ratio (it misses what the agent costs outside its timed "
                + "sections: the timing itself, cache effects, GC of its garbage).\n");
        r.append("- A target is **met** only when both the ratio of medians and the median paired ratio reach it. "
                + "\"within noise\" marks figures whose paired min–max straddles the target.\n");
        r.append("- **one JVM, active / paused**: see that section; the same agent run with its monitoring switched on "
                + "and off in alternating segments, free of the spread between JVMs that the ratios above carry.\n");
        r.append("- **CPU pressure**: share of the run during which some task on this machine waited for a CPU "
                + "(Linux PSI). Near 0% on an idle machine; high values mean the figures are noisy.\n\n");
        if (!problems.isEmpty()) {
            r.append("## Problems during the run\n\n");
            for (String p : problems) {
                r.append("- ").append(p.replace("\n", "\n  ")).append('\n');
            }
            r.append('\n');
        }
        return r.toString();
    }

    /**
     * The agent's cost measured inside each agent run: monitoring switched on and off over JMX in alternating
     * segments of the same JVM, so the spread between JVMs (several percent here, for identical configurations)
     * does not enter. Paused, the agent still runs its hooks (each stops at its first check); `disabled` vs `none`
     * bounds what that costs.
     */
    private void abSection(StringBuilder r, List<String[]> verdicts) {
        List<Config> configs = new ArrayList<>();
        for (Config c : o.configs) {
            if (c.ab() && !values(o.workloads.get(0), c, Run::activeOverPaused).stream().allMatch(v -> v.isNaN())) {
                configs.add(c);
            }
        }
        if (configs.isEmpty()) {
            return;
        }
        Durations example = o.durations(o.workloads.get(0));
        r.append("## One JVM: monitoring active vs paused\n\n");
        r.append("After its measured interval, each agent run alternates segments with the agent's monitoring on and "
                + "off (JMX attribute `Monitoring`, as an operator would switch it), in pairs whose order alternates "
                + "(").append(example.abPairs).append(" pairs of ").append(f(example.abSeconds, 0))
                .append(" s for ").append(o.workloads.get(0))
                .append("). Active / paused it/s over all segments of a run (pooled, so window closes count as often "
                        + "as they happened); median over rounds, and the range of single pairs. Both sides run in "
                        + "the same JVM, so the spread between JVMs does not enter. Paused, each hooked call costs "
                        + "stops at its first check: `disabled` vs `none` above bounds that.\n\n");
        r.append("| workload | configuration | active / paused, median of runs | runs min–max | single pairs min–max "
                + "| target | verdict |\n|---|---|---:|---:|---:|---:|---|\n");
        for (Config c : configs) {
            List<String> figures = new ArrayList<>();
            List<String> missed = new ArrayList<>();
            for (String w : o.workloads) {
                List<Double> ratios = new ArrayList<>(values(w, c, Run::activeOverPaused));
                ratios.removeIf(v -> v.isNaN());
                List<Double> pairs = new ArrayList<>();
                for (Run run : runs) {
                    if (run.workload.equals(w) && run.config == c) {
                        pairs.addAll(run.pairRatios());
                    }
                }
                double med = median(ratios);
                boolean met = med >= c.target;
                if (!met) {
                    missed.add(w);
                }
                figures.add(w + " " + f(med, 3));
                r.append("| ").append(w).append(" | ").append(c.id).append(" | ").append(f(med, 3)).append(" | ")
                        .append(f(Stats.min(ratios), 3)).append("–").append(f(Stats.max(ratios), 3)).append(" | ")
                        .append(f(Stats.min(pairs), 3)).append("–").append(f(Stats.max(pairs), 3)).append(" | ≥ ")
                        .append(f(c.target, 3)).append(" | ").append(met ? "met" : "**MISSED**").append(" |\n");
            }
            verdicts.add(new String[] {c.id + " ≥ " + f(c.target, 3) + " on every workload, one JVM (active / "
                    + "paused, median of runs)", String.join("; ", figures),
                    missed.isEmpty() ? "met" : "**MISSED** on " + String.join(", ", missed)});
        }
        r.append('\n');
    }

    private void throughputSection(StringBuilder r, List<String[]> verdicts) {
        r.append("## Throughput\n\n");
        r.append("| workload | configuration | it/s median | it/s min–max | ratio of medians | paired ratio median "
                + "[min–max] | CPU ratio | agent self-timed | CPU pressure | target | verdict |\n");
        r.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        Map<Config, List<String>> missedBy = new LinkedHashMap<>();
        Map<Config, List<String>> figures = new LinkedHashMap<>();
        for (String w : o.workloads) {
            List<Double> base = values(w, Config.NONE, Run::its);
            double baseMedian = median(base);
            double baseCpu = median(values(w, Config.NONE, Run::itsPerCpu));
            for (Config c : o.configs) {
                List<Double> v = values(w, c, Run::its);
                double med = median(v);
                List<Double> paired = paired(w, c);
                double ratio = med / baseMedian;
                double pairedMedian = median(paired);
                double cpuRatio = median(values(w, c, Run::itsPerCpu)) / baseCpu;
                List<Double> pressure = new ArrayList<>();
                for (Run run : runs) {
                    if (run.workload.equals(w) && run.config == c) {
                        pressure.add(run.outcome.cpuPressure);
                    }
                }
                String verdict = "";
                String target = "";
                if (c != Config.NONE && !Double.isNaN(c.target)) {
                    target = "≥ " + f(c.target, 3);
                    verdict = verdict(ratio, pairedMedian, Stats.min(paired), Stats.max(paired), c.target);
                    figures.computeIfAbsent(c, k -> new ArrayList<>()).add(w + " " + f(ratio, 3) + " / "
                            + f(pairedMedian, 3));
                    if (!verdict.startsWith("met")) {
                        missedBy.computeIfAbsent(c, k -> new ArrayList<>()).add(w);
                    }
                }
                r.append("| ").append(w).append(" | ").append(c.id).append(" | ").append(its(med)).append(" | ")
                        .append(its(Stats.min(v))).append("–").append(its(Stats.max(v))).append(" | ")
                        .append(c == Config.NONE ? "1" : f(ratio, 3)).append(" | ")
                        .append(c == Config.NONE ? "" : f(pairedMedian, 3) + " [" + f(Stats.min(paired), 3) + "–"
                                + f(Stats.max(paired), 3) + "]")
                        .append(" | ").append(c == Config.NONE ? "1" : f(cpuRatio, 3)).append(" | ")
                        .append(c.agentEnabled() ? pct2(median(values(w, c, Run::selfTimedShare))) : "")
                        .append(" | ").append(f(100 * median(pressure), 0)).append("% | ").append(target).append(" | ")
                        .append(verdict).append(" |\n");
            }
        }
        r.append("\nn = ").append(o.rounds).append(" round(s) per cell. Configurations:\n\n");
        for (Config c : o.configs) {
            r.append("- `").append(c.id).append("`: ").append(c.description).append('\n');
        }
        r.append('\n');
        for (Config c : List.of(Config.DISABLED, Config.AGENT_DEFAULTS, Config.AGENT_EVERY)) {
            if (!o.configs.contains(c)) {
                continue;
            }
            boolean met = !missedBy.containsKey(c);
            verdicts.add(new String[] {c.id + " ≥ " + f(c.target, 3) + " on every workload (ratio of medians / "
                    + "median paired ratio)", String.join("; ", figures.getOrDefault(c, List.of())),
                    met ? "met" : "**MISSED** on " + String.join(", ", missedBy.get(c))});
        }
        // The issue's aim: an order of magnitude cheaper than StatsListener at the same reporting frequency.
        if (o.configs.contains(Config.AGENT_DEFAULTS) && o.configs.contains(Config.SL_DEFAULT)) {
            r.append("Overhead (1 − paired ratio) of the agent against `StatsListener` at the same frequency:\n\n");
            r.append("| workload | agent-defaults | statslistener-10 | agent-every | statslistener-1 |\n");
            r.append("|---|---:|---:|---:|---:|\n");
            for (String w : o.workloads) {
                r.append("| ").append(w);
                for (Config c : List.of(Config.AGENT_DEFAULTS, Config.SL_DEFAULT, Config.AGENT_EVERY,
                        Config.SL_EVERY)) {
                    r.append(" | ").append(o.configs.contains(c) ? pct(1 - median(paired(w, c))) : "");
                }
                r.append(" |\n");
            }
            r.append('\n');
        }
    }

    private static String verdict(double ratio, double paired, double pairedMin, double pairedMax, double target) {
        if (Double.isNaN(ratio) || Double.isNaN(paired)) {
            return "**no data**";
        }
        boolean met = ratio >= target && paired >= target;
        boolean straddles = pairedMin < target && pairedMax >= target;
        String s = met ? "met" : "**MISSED**";
        return straddles ? s + " (within noise)" : s;
    }

    private void startupSection(StringBuilder r, List<String[]> verdicts) {
        r.append("## Start-up: time from JVM launch to the end of the first training iteration\n\n");
        r.append("From the throughput runs (model building and ND4J initialisation included, as a user sees it). "
                + "The CPU columns (process CPU time of all threads until the first iteration) do not depend on how "
                + "busy the machine was; on an idle 2-core machine the wall time is at least about half of it.\n\n");
        r.append("| workload | configuration | median | min–max | added vs none (median of paired differences) "
                + "| CPU time to the first iteration, median | added CPU vs none (paired) |\n");
        r.append("|---|---|---:|---:|---:|---:|---:|\n");
        List<String> missed = new ArrayList<>();
        List<String> figs = new ArrayList<>();
        for (String w : o.workloads) {
            for (Config c : List.of(Config.NONE, Config.DISABLED, Config.AGENT_DEFAULTS, Config.AGENT_EVERY)) {
                if (!o.configs.contains(c)) {
                    continue;
                }
                List<Double> v = values(w, c, Run::firstIterationMs);
                List<Double> deltas = new ArrayList<>();
                List<Double> cpuDeltas = new ArrayList<>();
                for (int round = 1; round <= o.rounds; round++) {
                    Run a = find(w, c, round);
                    Run b = find(w, Config.NONE, round);
                    if (a != null && b != null) {
                        deltas.add(a.firstIterationMs() - b.firstIterationMs());
                        cpuDeltas.add(a.firstIterationCpuMs() - b.firstIterationCpuMs());
                    }
                }
                double added = median(deltas);
                r.append("| ").append(w).append(" | ").append(c.id).append(" | ").append(seconds(median(v)))
                        .append(" | ").append(seconds(Stats.min(v))).append("–").append(seconds(Stats.max(v)))
                        .append(" | ").append(c == Config.NONE ? "" : signedSeconds(added))
                        .append(" | ").append(seconds(median(values(w, c, Run::firstIterationCpuMs))))
                        .append(" | ").append(c == Config.NONE ? "" : signedSeconds(median(cpuDeltas)))
                        .append(" |\n");
                if (c == Config.AGENT_DEFAULTS) {
                    figs.add(w + " " + signedSeconds(added));
                    if (!(added < STARTUP_TARGET_MS)) {
                        missed.add(w);
                    }
                }
            }
        }
        r.append('\n');
        if (o.configs.contains(Config.AGENT_DEFAULTS)) {
            verdicts.add(new String[] {"start-up cost (agent defaults − none, time to the first iteration) < 1 s",
                    String.join("; ", figs), missed.isEmpty() ? "met" : "**MISSED** on " + String.join(", ", missed)});
        }
    }

    private void scrapeSection(StringBuilder r, List<String[]> verdicts) {
        r.append("## Scrape of `/metrics`, ").append(SCRAPE_LAYERS).append("-layer model\n\n");
        r.append("Workload `deep`: ").append(SCRAPE_LAYERS - 1).append(" dense layers of 64 units + the output layer, "
                + "agent `sampleEvery=1,window=5`, training on while the driver (another JVM, like Prometheus) "
                + "GETs `/metrics` over loopback: one cold scrape, then ").append(o.scrapeCount)
                .append(" with Prometheus' headers (OpenMetrics, gzip) alternating with ").append(o.scrapeCount)
                .append(" plain-text ones, 200 ms apart. Time = request sent to body read (and decompressed).\n\n");
        r.append("| round | cold (first) | median, Prometheus headers | p90 | median, plain text | layers in the "
                + "body | series | body | gzip |\n");
        r.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        List<Double> allProm = new ArrayList<>();
        List<Double> allPlain = new ArrayList<>();
        for (ScrapeRound s : scrapes) {
            allProm.addAll(s.promMs);
            allPlain.addAll(s.plainMs);
            r.append("| ").append(s.round).append(" | ").append(f(s.coldMs, 1)).append(" ms | ")
                    .append(f(median(s.promMs), 1)).append(" ms | ").append(f(Stats.quantile(s.promMs, 0.9), 1))
                    .append(" ms | ").append(f(median(s.plainMs), 1)).append(" ms | ").append(s.layers).append(" | ")
                    .append(s.lines).append(" | ").append(bytes(s.bodyBytes)).append(" | ").append(bytes(s.gzipBytes))
                    .append(" |\n");
        }
        r.append('\n');
        double worst = Math.max(median(allProm), median(allPlain));
        boolean layersOk = !scrapes.isEmpty() && scrapes.stream().allMatch(s -> s.layers >= SCRAPE_LAYERS);
        if (!layersOk && !scrapes.isEmpty()) {
            r.append("Not every monitored layer was in the body: the agent did not publish all ").append(SCRAPE_LAYERS)
                    .append(" layers.\n\n");
        }
        verdicts.add(new String[] {"one scrape of `/metrics`, " + SCRAPE_LAYERS + " layers < 50 ms (median; "
                + "Prometheus headers / plain)",
                f(median(allProm), 1) + " ms / " + f(median(allPlain), 1) + " ms (cold first scrape "
                        + f(median(scrapes.stream().map(s -> s.coldMs).toList()), 1) + " ms)",
                scrapes.isEmpty() ? "**no data**" : worst < SCRAPE_TARGET_MS && layersOk ? "met"
                        : "**MISSED**" + (layersOk ? "" : " (layers missing from the body)")});
    }

    private void heapSection(StringBuilder r, List<String[]> verdicts) {
        r.append("## Heap retained by the agent\n\n");
        r.append("Live heap = total of the class histogram (`GC.class_histogram`, taken after a full GC) at the end of "
                + "a run of ").append(o.heapIterations).append(" iterations of workload `deep` (L layers: L−1 dense "
                + "layers of 64 units + output), with the agent at its defaults and without it. The agent's share is "
                + "the difference; per layer is the slope between L = 5 and L = ").append(SCRAPE_LAYERS)
                .append(", which removes the fixed part (registry, endpoint, instrumentation).\n\n");
        r.append("| model | live heap, no agent | live heap, agent | agent's share | of which in `io.deadunit.*` "
                + "classes (incl. shaded Micrometer/Prometheus) |\n");
        r.append("|---|---:|---:|---:|---:|\n");
        Map<Integer, Double> delta = new LinkedHashMap<>();
        for (int layers : new int[] {5, SCRAPE_LAYERS}) {
            double none = median(heapValues(layers, Config.NONE, "histogramTotal"));
            double agent = median(heapValues(layers, Config.AGENT_DEFAULTS, "histogramTotal"));
            double own = median(heapValues(layers, Config.AGENT_DEFAULTS, "deadunitClasses"));
            delta.put(layers, agent - none);
            r.append("| deep, L = ").append(layers).append(" | ").append(bytes(none)).append(" | ").append(bytes(agent))
                    .append(" | ").append(bytes(agent - none)).append(" | ").append(bytes(own)).append(" |\n");
        }
        double perLayer = (delta.get(SCRAPE_LAYERS) - delta.get(5)) / (SCRAPE_LAYERS - 5);
        double fixed = delta.get(5) - 5 * perLayer;
        r.append("\nPer monitored layer (64 units): **").append(bytes(perLayer)).append("**; fixed part ≈ ")
                .append(bytes(fixed)).append(". (Median of ").append(o.heapReps).append(" run(s) per cell.)\n\n");
        verdicts.add(new String[] {"heap retained per monitored layer (reported, no target)",
                bytes(perLayer) + " per layer of 64 units + " + bytes(fixed) + " fixed", "reported"});

        r.append("## Heap growth over ").append(o.growthIterations).append(" iterations\n\n");
        r.append("Workload `small` (64-128-128-10 MLP), ").append(o.growthIterations)
                .append(" iterations; live heap (class histogram after full GC) at each checkpoint. Agent with "
                        + "`sampleEvery=1` (every iteration observed, default window).\n\n");
        r.append("| configuration |");
        for (long cp : o.growthCheckpoints) {
            r.append(" at ").append(cp).append(" |");
        }
        r.append(" growth ").append(o.growthCheckpoints.get(0)).append(" → ")
                .append(o.growthCheckpoints.get(o.growthCheckpoints.size() - 1)).append(" |\n|---|");
        for (int i = 0; i <= o.growthCheckpoints.size(); i++) {
            r.append("---:|");
        }
        r.append('\n');
        Map<Config, Double> growth = new LinkedHashMap<>();
        for (HeapRun h : growthRuns) {
            r.append("| ").append(h.config.id).append(" |");
            Map<String, Double> at = new LinkedHashMap<>();
            for (Fork.Line l : h.outcome.all("heap")) {
                at.put(l.fields.get("iteration"), l.number("histogramTotal"));
            }
            for (long cp : o.growthCheckpoints) {
                Double v = at.get(String.valueOf(cp));
                r.append(' ').append(v == null ? "n/a" : bytes(v)).append(" |");
            }
            Double first = at.get(String.valueOf(o.growthCheckpoints.get(0)));
            Double last = at.get(String.valueOf(o.growthCheckpoints.get(o.growthCheckpoints.size() - 1)));
            double g = first == null || last == null ? Double.NaN : last - first;
            growth.put(h.config, g);
            r.append(' ').append(signedBytes(g)).append(" |\n");
        }
        double agentGrowth = growth.getOrDefault(Config.AGENT_EVERY, Double.NaN);
        double baseGrowth = growth.getOrDefault(Config.NONE, Double.NaN);
        long from = o.growthCheckpoints.get(0);
        long to = o.growthCheckpoints.get(o.growthCheckpoints.size() - 1);
        Map<String, Long> agentClasses = classGrowth(Config.AGENT_EVERY, from, to);
        Map<String, Long> baseClasses = classGrowth(Config.NONE, from, to);
        double excess = Double.NaN;
        if (!agentClasses.isEmpty() && !baseClasses.isEmpty()) {
            // Per class, the agent run's growth beyond the no-agent run's, hash-table arrays left out (see below).
            excess = 0;
            List<Map.Entry<String, Long>> byClass = new ArrayList<>();
            Set<String> names = new HashSet<>(agentClasses.keySet());
            names.addAll(baseClasses.keySet());
            for (String n : names) {
                long e = agentClasses.getOrDefault(n, 0L) - baseClasses.getOrDefault(n, 0L);
                if (!n.equals(HASH_TABLE_ARRAY)) {
                    excess += e;
                }
                byClass.add(Map.entry(n, e));
            }
            byClass.sort((x, y) -> Long.compare(y.getValue(), x.getValue()));
            r.append("\nPer class, growth of the agent run minus growth of the no-agent run (largest first): ");
            List<String> top = new ArrayList<>();
            for (Map.Entry<String, Long> e : byClass.subList(0, Math.min(5, byClass.size()))) {
                top.add("`" + e.getKey() + "` " + signedBytes(e.getValue()));
            }
            r.append(String.join(", ", top)).append(".\n");
            r.append("\nThe agent's growth beyond the no-agent run's, hash-table arrays (`").append(HASH_TABLE_ARRAY)
                    .append("`) left out: **").append(signedBytes(excess)).append("** (tolerance ")
                    .append(bytes(GROWTH_TOLERANCE_BYTES)).append("). ND4J's deallocator keeps every live native "
                            + "buffer in a ConcurrentHashMap whose table doubles (and never shrinks) when the number of "
                            + "arrays awaiting collection peaks between two GCs: a step of a megabyte or two at "
                            + "random in any run, with or without the agent. A real leak would show in the nodes and "
                            + "values, which are counted.\n\n");
        } else {
            r.append('\n');
        }
        verdicts.add(new String[] {"no heap growth over " + o.growthIterations + " iterations (agent, "
                + "`sampleEvery=1`, from iteration " + from + "; per-class excess over the no-agent run)",
                signedBytes(excess) + " (raw live-heap growth: agent " + signedBytes(agentGrowth) + ", no agent "
                        + signedBytes(baseGrowth) + ")",
                Double.isNaN(excess) ? "**no data**" : excess <= GROWTH_TOLERANCE_BYTES ? "met" : "**MISSED**"});
    }

    /** With {@code --resume}: the outcome of a run that completed before the interruption, else null. */
    private Fork.Outcome resumed(Path log) {
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

    private Path growthDir(Config c) {
        return logDir.resolve("growth-" + c.id);
    }

    /** Live bytes per class from a saved class histogram; empty when the file is missing. */
    private static Map<String, Long> histogram(Path file) {
        Map<String, Long> out = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file)) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 4 && f[0].endsWith(":")) {
                    out.merge(f[3], Long.parseLong(f[2]), Long::sum);
                }
            }
        } catch (IOException | RuntimeException e) {
            out.clear();
        }
        return out;
    }

    /** Growth per class between two checkpoints of a run. */
    private Map<String, Long> classGrowth(Config c, long from, long to) {
        Map<String, Long> a = histogram(growthDir(c).resolve("histogram-" + from + ".txt"));
        Map<String, Long> b = histogram(growthDir(c).resolve("histogram-" + to + ".txt"));
        if (a.isEmpty() || b.isEmpty()) {
            return Map.of();
        }
        Map<String, Long> out = new LinkedHashMap<>();
        Set<String> names = new HashSet<>(a.keySet());
        names.addAll(b.keySet());
        for (String n : names) {
            out.put(n, b.getOrDefault(n, 0L) - a.getOrDefault(n, 0L));
        }
        return out;
    }

    private List<Double> heapValues(int layers, Config c, String field) {
        List<Double> v = new ArrayList<>();
        for (HeapRun h : heapRuns) {
            if (h.layers == layers && h.config == c && h.end() != null) {
                v.add(h.end().number(field));
            }
        }
        return v;
    }

    private String csv() {
        StringBuilder s = new StringBuilder("round,workload,configuration,ok,iterations,seconds,its,"
                + "process_cpu_seconds,first_iteration_ms,first_iteration_cpu_ms,agent_self_timed_share,cpu_pressure,"
                + "active_over_paused,agent_observed\n");
        for (Run run : runs) {
            Fork.Line res = run.outcome.first("result");
            s.append(run.round).append(',').append(run.workload).append(',').append(run.config.id).append(',')
                    .append(run.ok()).append(',')
                    .append(res == null ? "" : res.fields.get("iterations")).append(',')
                    .append(res == null ? "" : res.fields.get("seconds")).append(',')
                    .append(res == null ? "" : res.fields.get("its")).append(',')
                    .append(res == null ? "" : res.fields.get("processCpuSeconds")).append(',')
                    .append(f(run.firstIterationMs(), 0)).append(',').append(f(run.firstIterationCpuMs(), 0))
                    .append(',').append(Double.isNaN(run.selfTimedShare()) ? "" : f(run.selfTimedShare(), 5))
                    .append(',').append(f(run.outcome.cpuPressure, 3))
                    .append(',').append(Double.isNaN(run.activeOverPaused()) ? "" : f(run.activeOverPaused(), 4))
                    .append(',').append(run.outcome.agentObserved()).append('\n');
        }
        return s.toString();
    }

    // ----------------------------------------------------------------------------------------------------------
    // Helpers

    private List<Double> values(String workload, Config c, java.util.function.ToDoubleFunction<Run> f) {
        List<Double> v = new ArrayList<>();
        for (Run run : runs) {
            if (run.workload.equals(workload) && run.config == c && run.ok()) {
                v.add(f.applyAsDouble(run));
            }
        }
        return v;
    }

    private List<Double> paired(String workload, Config c) {
        List<Double> v = new ArrayList<>();
        for (int round = 1; round <= o.rounds; round++) {
            Run a = find(workload, c, round);
            Run b = find(workload, Config.NONE, round);
            if (a != null && b != null) {
                v.add(a.its() / b.its());
            }
        }
        return v;
    }

    private Run find(String workload, Config c, int round) {
        for (Run run : runs) {
            if (run.workload.equals(workload) && run.config == c && run.round == round && run.ok()) {
                return run;
            }
        }
        return null;
    }

    static <T> List<T> rotate(List<T> list, int by) {
        List<T> out = new ArrayList<>(list);
        java.util.Collections.rotate(out, -(by % Math.max(1, list.size())));
        return out;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private String relative(Path p) {
        Path root = o.benchDir.getParent();
        return root != null && p.startsWith(root) ? root.relativize(p).toString() : p.toString();
    }

    private static String pct2(double v) {
        return Double.isNaN(v) ? "n/a" : f(100 * v, 2) + "%";
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "n/a" : f(100 * v, 1) + "%";
    }

    private static String seconds(double ms) {
        return Double.isNaN(ms) ? "n/a" : f(ms / 1000, 2) + " s";
    }

    private static String signedSeconds(double ms) {
        return Double.isNaN(ms) ? "n/a" : (ms >= 0 ? "+" : "−") + f(Math.abs(ms) / 1000, 2) + " s";
    }

    private static String signedBytes(double b) {
        return Double.isNaN(b) ? "n/a" : (b >= 0 ? "+" : "−") + bytes(Math.abs(b));
    }

    private static String minutes(double seconds) {
        return String.format(Locale.ROOT, "%d min %02d s", (long) seconds / 60, (long) seconds % 60);
    }

    private static void log(String message) {
        System.out.println(DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC).format(Instant.now())
                + " " + message);
        System.out.flush();
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " / " + f[1] + " / " + f[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }

    private static String memTotal() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal")) {
                    long kb = Long.parseLong(line.replaceAll("\\D", ""));
                    return f(kb / 1024.0 / 1024.0, 1) + " GiB RAM";
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return "? RAM";
    }

    private String agentInfo() {
        try {
            byte[] jar = Files.readAllBytes(agentJar);
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            StringBuilder hex = new StringBuilder();
            for (byte b : sha.digest(jar)) {
                hex.append(String.format("%02x", b));
            }
            return bytes(jar.length) + ", built " + DateTimeFormatter.ISO_INSTANT.format(
                    agentJarBuilt.truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
                    + ", sha256 " + hex.substring(0, 12);
        } catch (IOException | NoSuchAlgorithmException e) {
            return "?";
        }
    }

    // ----------------------------------------------------------------------------------------------------------

    /** One GET of /metrics. */
    static final class Scrape {
        private static final Pattern LAYER = Pattern.compile("^dl4j_layer_units\\{[^}]*\\blayer=\"([^\"]*)\"",
                Pattern.MULTILINE);
        double millis;
        int bodyBytes;
        int wireBytes;
        int series;
        int layers;

        static Scrape get(String url, boolean prometheusHeaders) throws IOException {
            Scrape s = new Scrape();
            HttpURLConnection c;
            try {
                c = (HttpURLConnection) new URI(url).toURL().openConnection();
            } catch (URISyntaxException e) {
                throw new IOException(e);
            }
            c.setConnectTimeout(10_000);
            c.setReadTimeout(30_000);
            if (prometheusHeaders) {
                c.setRequestProperty("Accept", "application/openmetrics-text;version=1.0.0;q=0.5,"
                        + "text/plain;version=0.0.4;q=0.4,*/*;q=0.1");
                c.setRequestProperty("Accept-Encoding", "gzip");
            }
            long t0 = System.nanoTime();
            int code = c.getResponseCode();
            byte[] body;
            try (InputStream in = c.getInputStream()) {
                byte[] wire = in.readAllBytes();
                s.wireBytes = wire.length;
                if ("gzip".equalsIgnoreCase(c.getContentEncoding())) {
                    try (InputStream g = new GZIPInputStream(new java.io.ByteArrayInputStream(wire))) {
                        body = g.readAllBytes();
                    }
                } else {
                    body = wire;
                }
            }
            s.millis = (System.nanoTime() - t0) / 1e6;
            if (code != 200) {
                throw new IOException("GET " + url + ": HTTP " + code);
            }
            s.bodyBytes = body.length;
            String text = new String(body, StandardCharsets.UTF_8);
            Set<String> layers = new HashSet<>();
            Matcher m = LAYER.matcher(text);
            while (m.find()) {
                layers.add(m.group(1));
            }
            s.layers = layers.size();
            for (String line : text.split("\n")) {
                if (!line.isEmpty() && !line.startsWith("#")) {
                    s.series++;
                }
            }
            return s;
        }
    }

    /** Command-line options, with the mode's defaults. */
    static final class Options {
        String mode = "smoke";
        int rounds;
        List<String> workloads = ALL_WORKLOADS;
        List<Config> configs = List.of(Config.values());
        Double seconds;
        Double warmup;
        boolean extras = true;
        /** The one-JVM active/paused comparison after each agent run's measurement. */
        boolean ab = true;
        Path agentJar;
        String java;
        Path out;
        Path benchDir;
        Path resume;
        List<String> jvmFlags = List.of("-Xms1g", "-Xmx1g");
        int scrapeRounds;
        int scrapeCount;
        double scrapeWarmup;
        double scrapeSeconds;
        int heapIterations;
        int heapReps;
        int growthIterations;
        List<Long> growthCheckpoints;

        Durations durations(String workload) {
            Durations d;
            if (mode.equals("smoke")) {
                d = new Durations(1, 2, 0, 1, 1);
            } else {
                // At least 110 iterations of warm-up where that is quick, so that the agent's first window (100
                // iterations at its defaults) closes before the measurement: its one-off costs (first meter
                // registration) are start-up, not steady state. The CNN (~5 it/s) never reaches iteration 100 in
                // its run at all.
                switch (workload) {
                    // A/B: short segments, many pairs in alternating order, so that the drift of a young JVM (its
                    // JIT still compiling) cancels; pooled over a run, the segments hold the window closes (the
                    // CNN's window of 100 iterations lasts ~30 s) as often as they happened
                    case "cnn":
                        d = new Durations(4, 10, 0, 4, 3);
                        break;
                    case "lstm":
                        d = new Durations(4, 10, FIRST_WINDOW_CLOSED, 5, 2);
                        break;
                    default:
                        d = new Durations(3, 6, FIRST_WINDOW_CLOSED, 6, 1);
                }
            }
            return new Durations(warmup != null ? warmup : d.warmup, seconds != null ? seconds : d.seconds,
                    d.warmupIterations, ab ? d.abPairs : 0, d.abSeconds);
        }

        static Options parse(String[] args) throws URISyntaxException {
            Map<String, String> a = Args.parse(args);
            Options o = new Options();
            o.mode = a.getOrDefault("mode", "smoke");
            boolean full;
            switch (o.mode) {
                case "full":
                    full = true;
                    break;
                case "smoke":
                    full = false;
                    break;
                default:
                    throw new IllegalArgumentException("--mode smoke|full, not " + o.mode);
            }
            o.rounds = Integer.parseInt(a.getOrDefault("rounds", full ? "5" : "1"));
            if (a.containsKey("workloads")) {
                o.workloads = List.of(a.get("workloads").split(","));
                for (String w : o.workloads) {
                    if (!ALL_WORKLOADS.contains(w)) {
                        throw new IllegalArgumentException("unknown workload " + w + "; known: " + ALL_WORKLOADS);
                    }
                }
            }
            if (a.containsKey("configs")) {
                List<Config> cs = new ArrayList<>();
                cs.add(Config.NONE);
                for (String id : a.get("configs").split(",")) {
                    Config c = Config.of(id);
                    if (!cs.contains(c)) {
                        cs.add(c);
                    }
                }
                o.configs = cs;
            }
            if (a.containsKey("seconds")) {
                o.seconds = Double.parseDouble(a.get("seconds"));
            }
            if (a.containsKey("warmup")) {
                o.warmup = Double.parseDouble(a.get("warmup"));
            }
            o.extras = Boolean.parseBoolean(a.getOrDefault("extras", "true"));
            o.ab = Boolean.parseBoolean(a.getOrDefault("ab", "true"));
            if (a.containsKey("resume")) {
                o.resume = Path.of(a.get("resume")).toAbsolutePath().normalize();
                if (!Files.isDirectory(o.resume)) {
                    throw new IllegalArgumentException("--resume: no log directory " + o.resume);
                }
            }
            Path classes = Path.of(Bench.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            o.benchDir = Path.of(a.getOrDefault("benchDir", classes.getParent().getParent().toString()))
                    .toAbsolutePath().normalize();
            o.agentJar = Path.of(a.getOrDefault("agent",
                    o.benchDir.resolveSibling("agent/target/deadunit-agent.jar").toString())).toAbsolutePath()
                    .normalize();
            if (!Files.isRegularFile(o.agentJar)) {
                throw new IllegalStateException("no agent jar at " + o.agentJar + ": build it first "
                        + "(mvn -B -q -pl agent -am package -DskipTests) or pass --agent PATH");
            }
            o.java = a.getOrDefault("java", Path.of(System.getProperty("java.home"), "bin", "java").toString());
            o.out = Path.of(a.getOrDefault("out", full ? o.benchDir.resolve("results/latest.md").toString()
                    : o.benchDir.resolve("target/results/smoke.md").toString())).toAbsolutePath();
            o.scrapeRounds = full ? 3 : 1;
            o.scrapeCount = full ? 20 : 3;
            o.scrapeWarmup = full ? 4 : 2;
            o.scrapeSeconds = full ? 120 : 60;
            o.heapIterations = full ? 300 : 110;
            o.heapReps = 1;
            o.growthIterations = full ? 10_000 : 300;
            o.growthCheckpoints = full ? List.of(1_000L, 2_500L, 5_000L, 10_000L) : List.of(100L, 300L);
            return o;
        }
    }
}
