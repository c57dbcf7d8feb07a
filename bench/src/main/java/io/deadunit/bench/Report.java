package io.deadunit.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import static io.deadunit.bench.Bench.WARMUP_CAP_SECONDS;
import static io.deadunit.bench.Stats.bytes;
import static io.deadunit.bench.Stats.f;
import static io.deadunit.bench.Stats.minutes;

/** The markdown report: the run's header, the targets with their verdicts, every section, how to read it. */
final class Report {
    private final Bench b;
    private final BenchOptions o;
    private final Results results;

    Report(Bench b) {
        this.b = b;
        this.o = b.o;
        this.results = b.results;
    }

    String write() {
        ThroughputReport throughput = new ThroughputReport(b);
        ExtrasReport extras = new ExtrasReport(b);
        Instant finished = Instant.now();
        long pressureEnd = Fork.cpuPressureMicros();
        double wall = Duration.between(b.started, finished).toMillis() / 1000.0;
        StringBuilder r = new StringBuilder();
        r.append("# deadunit overhead benchmark (").append(o.mode).append(" mode)\n\n");
        if (o.mode.equals("quick")) {
            r.append("> **Quick mode**: fewer and shorter runs than full mode, no `StatsListener` runs, short extras; "
                    + "the verdicts rest on the self-accounted share and the one-JVM intervals, which shorter runs "
                    + "widen but do not bias.\n\n");
        }
        if (o.mode.equals("smoke")) {
            r.append("> **Smoke mode**: one short round, to prove the benchmark runs. The figures are NOT "
                    + "meaningful; run `bench/run.sh full` for real ones.\n\n");
        }
        r.append("| | |\n|---|---|\n");
        r.append("| date | ").append(DateTimeFormatter.ISO_INSTANT.format(b.started.truncatedTo(
                ChronoUnit.SECONDS))).append(" (").append(minutes(wall)).append(")|\n");
        r.append("| machine | ").append(Machine.cpuModel()).append(", ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(" logical CPUs, ").append(Machine.memTotal()).append(", ").append(System.getProperty("os.name"))
                .append(' ').append(System.getProperty("os.version")).append(' ').append(System.getProperty("os.arch"))
                .append(" |\n");
        r.append("| JDK (forks) | ").append(results.forkJdk).append(" |\n");
        r.append("| threads | ").append(results.forkThreads).append(" |\n");
        r.append("| JVM flags | `").append(String.join(" ", o.jvmFlags)).append("` |\n");
        r.append("| DL4J | 1.0.0-M2.1, nd4j-native linux-x86_64 (CPU), batch 64, synthetic data |\n");
        r.append("| agent | `").append(relative(o.agentJar)).append("`, ").append(agentInfo()).append(" |\n");
        r.append("| plan | ").append(o.rounds).append(" round(s); each workload x configuration in a fresh JVM, "
                + "configurations in a rotating order per round; warm-up / measured seconds: ");
        List<String> ds = new ArrayList<>();
        for (String w : o.workloads) {
            Durations d = o.durations(w);
            ds.add(w + " " + f(d.warmup(), 0) + (d.warmupIterations() > 0 ? " (and ≥ " + d.warmupIterations()
                    + " iterations, ≤ " + f(WARMUP_CAP_SECONDS, 0) + " s)" : "") + " / " + f(d.seconds(), 0));
        }
        r.append(String.join(", ", ds));
        if (o.resume != null) {
            r.append("; resumed after an interruption: ").append(b.resumedRuns())
                    .append(" run(s) taken from the logs of "
                    + "the first attempt (`").append(relative(o.resume)).append("`), the date is the resumption's");
        }
        r.append(" |\n");
        r.append("| machine load | load average ").append(b.loadStart).append(" at start, ")
                .append(Machine.loadAverage())
                .append(" at end; CPU pressure (PSI some) ");
        if (b.pressureStart >= 0 && pressureEnd >= 0) {
            r.append(f(100.0 * (pressureEnd - b.pressureStart) / (wall * 1e6), 0)).append("% of the time");
        } else {
            r.append("n/a");
        }
        r.append(" |\n\n");

        List<String[]> verdicts = new ArrayList<>();
        ShareReport share = new ShareReport(b);
        share.section(r, verdicts);
        try {
            r.append(share.plot(o.out.toAbsolutePath().getParent()));
        } catch (IOException e) {
            results.problems.add("timeline plot: " + e);
        }
        throughput.throughputSection(r, verdicts);
        throughput.abSection(r, verdicts);
        throughput.startupSection(r, verdicts);
        if (o.extras) {
            extras.scrapeSection(r, verdicts);
            extras.heapSection(r, verdicts);
        }

        StringBuilder v = new StringBuilder();
        v.append("## Targets\n\n| target | measured | verdict |\n|---|---|---|\n");
        for (String[] t : verdicts) {
            v.append("| ").append(t[0]).append(" | ").append(t[1]).append(" | ").append(t[2]).append(" |\n");
        }
        v.append('\n');
        int at = r.indexOf("## The agent's share");
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
        if (!results.problems.isEmpty()) {
            r.append("## Problems during the run\n\n");
            for (String p : results.problems) {
                r.append("- ").append(p.replace("\n", "\n  ")).append('\n');
            }
            r.append('\n');
        }
        return r.toString();
    }


    private String relative(Path p) {
        Path root = o.benchDir.getParent();
        return root != null && p.startsWith(root) ? root.relativize(p).toString() : p.toString();
    }

    private String agentInfo() {
        try {
            byte[] jar = Files.readAllBytes(b.agentJar);
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            StringBuilder hex = new StringBuilder();
            for (byte b : sha.digest(jar)) {
                hex.append(String.format("%02x", b));
            }
            return bytes(jar.length) + ", built " + DateTimeFormatter.ISO_INSTANT.format(
                    b.agentJarBuilt.truncatedTo(ChronoUnit.SECONDS))
                    + ", sha256 " + hex.substring(0, 12);
        } catch (IOException | NoSuchAlgorithmException e) {
            return "?";
        }
    }

    // ----------------------------------------------------------------------------------------------------------

}
