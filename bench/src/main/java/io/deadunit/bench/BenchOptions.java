package io.deadunit.bench;

import io.deadunit.bench.Bench.Config;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.deadunit.bench.Bench.ALL_WORKLOADS;
import static io.deadunit.bench.Bench.FIRST_WINDOW_CLOSED;

/** Command-line options of {@link Bench} (listed in its class comment), with the mode's defaults. */
final class BenchOptions {
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
        } else if (mode.equals("quick")) {
            // Full mode's warm-up (the first window closes before the measurement), shorter measurement, and as
            // many one-JVM pairs: they carry the verdicts.
            switch (workload) {
                case "cnn":
                    d = new Durations(4, 6, 0, 16, 0.5);
                    break;
                case "lstm":
                    d = new Durations(4, 5, FIRST_WINDOW_CLOSED, 25, 0.2);
                    break;
                default:
                    d = new Durations(3, 4, FIRST_WINDOW_CLOSED, 30, 0.2);
            }
        } else {
            // At least 110 iterations of warm-up where that is quick, so that the agent's first window (100
            // iterations at its defaults) closes before the measurement: its one-off costs (first meter
            // registration) are start-up, not steady state. The CNN (~5 it/s) never reaches iteration 100 in
            // its run at all.
            switch (workload) {
                // A/B: short segments, many pairs in alternating order, so that the drift of a young JVM (its
                // JIT still compiling) and of a shared VM's speed (±20% over seconds) cancels: segments of a few
                // iterations see it alike. Pooled over a run, the segments hold the window closes (the CNN's
                // window of 100 iterations lasts ~30 s) as often as they happened
                case "cnn":
                    d = new Durations(4, 10, 0, 24, 0.5);
                    break;
                case "lstm":
                    d = new Durations(4, 10, FIRST_WINDOW_CLOSED, 50, 0.2);
                    break;
                default:
                    d = new Durations(3, 6, FIRST_WINDOW_CLOSED, 30, 0.2);
            }
        }
        return new Durations(warmup != null ? warmup : d.warmup(), seconds != null ? seconds : d.seconds(),
                d.warmupIterations(), ab ? d.abPairs() : 0, d.abSeconds());
    }

    static BenchOptions parse(String[] args) throws URISyntaxException {
        Map<String, String> a = Args.parse(args);
        BenchOptions o = new BenchOptions();
        o.mode = a.getOrDefault("mode", "smoke");
        boolean full;
        boolean quick = o.mode.equals("quick");
        switch (o.mode) {
            case "full":
            case "quick":
                full = true;
                break;
            case "smoke":
                full = false;
                break;
            default:
                throw new IllegalArgumentException("--mode smoke|quick|full, not " + o.mode);
        }
        o.rounds = Integer.parseInt(a.getOrDefault("rounds", quick ? "2" : full ? "5" : "1"));
        if (quick) {
            o.configs = List.of(Config.NONE, Config.DISABLED, Config.AGENT_DEFAULTS, Config.AGENT_EVERY);
        }
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
        // quick mode: the extras of full mode, shortened (one scrape round, the heap growth over 3000 iterations)
        o.scrapeRounds = quick ? 1 : full ? 3 : 1;
        o.scrapeCount = full ? 20 : 3;
        o.scrapeWarmup = full ? 4 : 2;
        o.scrapeSeconds = full ? 120 : 60;
        o.heapIterations = full ? 300 : 110;
        o.heapReps = 1;
        o.growthIterations = quick ? 3_000 : full ? 10_000 : 300;
        o.growthCheckpoints = quick ? List.of(1_000L, 2_000L, 3_000L)
                : full ? List.of(1_000L, 2_500L, 5_000L, 10_000L) : List.of(100L, 300L);
        return o;
    }
}
