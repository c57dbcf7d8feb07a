package io.deadunit.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Is the agent's own meter right? One workload JVM alternates segments with the agent's monitoring active and
 * paused (JMX), and reads the agent's self-timed seconds ({@code deadunit_agent_overhead_seconds_total}) around
 * every segment. Two figures for the same cost, from the same JVM:
 * <ul>
 *   <li>measured: the slowdown of active segments, 1 − (active it/s) / (paused it/s), segments pooled, with a 95%
 *   bootstrap interval over pairs;</li>
 *   <li>self-accounted: the agent's share of active time minus its share of paused time (paused, the agent still
 *   counts iterations; that work is in both segments, so it is no part of the measured slowdown).</li>
 * </ul>
 * On a configuration built to cost ≥ 10% (the {@code wide} model, every iteration sampled, a window closing every
 * iteration, everything on the training thread: {@code statisticsThread=false}) the two must agree within a fifth
 * of the measured slowdown. Short segments (0.2 s) in many pairs: on a shared VM the training thread's speed drifts
 * by ±20% over seconds, and only segments shorter than that drift see it alike. With the statistics thread (the
 * default), the report also gives that thread's CPU, which the training thread's figures do not include.
 *
 * <pre>
 *   java -cp bench/target/classes:$(cat bench/target/classpath.txt) io.deadunit.bench.Calibration \
 *        [--workload wide] [--agentArgs sampleEvery=1,window=1,statisticsThread=false] [--pairs 200]
 *        [--seconds 0.2] [--warmup 15] [--agent agent/target/deadunit-agent.jar]
 *        [--out bench/target/results/calibration-wide.md]
 * </pre>
 */
public final class Calibration {
    private Calibration() {
    }

    public static void main(String[] args) throws Exception {
        java.util.Map<String, String> o = Args.parse(args);
        Path bench = Paths.get(o.getOrDefault("bench", "bench"));
        String workload = o.getOrDefault("workload", "wide");
        String agentArgs = o.getOrDefault("agentArgs", "sampleEvery=1,window=1,statisticsThread=false");
        int pairs = Integer.parseInt(o.getOrDefault("pairs", "200"));
        double seconds = Double.parseDouble(o.getOrDefault("seconds", "0.2"));
        double warmup = Double.parseDouble(o.getOrDefault("warmup", "15"));
        Path agent = Paths.get(o.getOrDefault("agent", "agent/target/deadunit-agent.jar")).toAbsolutePath();
        Path out = Paths.get(o.getOrDefault("out", "bench/target/results/calibration-" + workload + ".md"));

        String cp = Files.readString(bench.resolve("target/classpath.txt")).trim();
        Fork.Setup setup = new Fork.Setup(javaOf(o), bench.resolve("target/classes") + java.io.File.pathSeparator + cp,
                List.of("-Xms1g", "-Xmx1g"));
        int port = Bench.freePort();
        List<String> jvm = List.of("-javaagent:" + agent + "=" + agentArgs + ",host=127.0.0.1,port=" + port);
        List<String> wargs = List.of("--workload", workload, "--warmup", String.valueOf(warmup), "--warmupIterations",
                "110", "--seconds", "1", "--metricsUrl", "http://127.0.0.1:" + port + "/metrics",
                "--abPairs", String.valueOf(pairs), "--abSeconds", String.valueOf(seconds));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Path log = out.resolveSibling(out.getFileName() + ".log");
        Fork.Outcome run = Fork.run(setup, jvm, wargs, (long) (warmup + 20 + 40 + pairs * 2 * (seconds + 2)) + 120,
                log, null);
        if (!run.ok()) {
            throw new IllegalStateException(run.failure());
        }
        Result r = Result.of(run.all("ab"));
        String report = r.report(workload, agentArgs, pairs, seconds, run.cpuPressure);
        Files.writeString(out, report);
        System.out.print(report);
    }

    /** The figures of one run's A/B pairs. */
    static final class Result {
        // activeIt, activeSec, pausedIt, pausedSec, activeAgent, pausedAgent, activeCpu, pausedCpu,
        // activeAgentThreadsCpu, pausedAgentThreadsCpu, activeGc, pausedGc, activeAllocated, pausedAllocated (training
        // thread's heap allocation) (NaN from a workload that did not report them)
        final List<double[]> pairs;

        Result(List<double[]> pairs) {
            this.pairs = pairs;
        }

        static Result of(List<Fork.Line> lines) {
            List<double[]> pairs = new ArrayList<>();
            for (Fork.Line l : lines) {
                if (l.fields.containsKey("pair") && l.fields.containsKey("activeAgentSeconds")) {
                    pairs.add(new double[] {l.number("activeIterations"), l.number("activeSeconds"),
                            l.number("pausedIterations"), l.number("pausedSeconds"), l.number("activeAgentSeconds"),
                            l.number("pausedAgentSeconds"), l.number("activeCpuSeconds"),
                            l.number("pausedCpuSeconds"), optional(l, "activeAgentThreadsCpuSeconds"),
                            optional(l, "pausedAgentThreadsCpuSeconds"), optional(l, "activeGcSeconds"),
                            optional(l, "pausedGcSeconds"), optional(l, "activeAllocatedBytes"),
                            optional(l, "pausedAllocatedBytes")});
                }
            }
            if (pairs.isEmpty()) {
                throw new IllegalStateException("no A/B pairs with the agent's self-time (JMX or endpoint off?)");
            }
            return new Result(pairs);
        }

        private static double optional(Fork.Line l, String field) {
            return l.fields.containsKey(field) ? l.number(field) : Double.NaN;
        }

        /** 1 − active it/s / paused it/s over these pairs, pooled (wall time). */
        static double slowdown(List<double[]> ps) {
            double[] s = sums(ps);
            return 1 - (s[0] / s[1]) / (s[2] / s[3]);
        }

        /**
         * 1 − active / paused iterations per second of the training thread's CPU time, pooled: what waiting for a
         * core on a loaded machine does not inflate.
         */
        static double cpuSlowdown(List<double[]> ps) {
            double[] s = sums(ps);
            return 1 - (s[0] / s[6]) / (s[2] / s[7]);
        }

        /** Agent share of active time − its share of paused time. */
        static double selfShare(List<double[]> ps) {
            double[] s = sums(ps);
            return s[4] / s[1] - s[5] / s[3];
        }

        private static double[] sums(List<double[]> ps) {
            double[] s = new double[14];
            for (double[] p : ps) {
                for (int i = 0; i < 14; i++) {
                    s[i] += p[i];
                }
            }
            return s;
        }

        /** 95% bootstrap interval of the statistic over pairs. */
        double[] interval(java.util.function.ToDoubleFunction<List<double[]>> statistic) {
            return Stats.bootstrap95(pairs, statistic);
        }

        String report(String workload, String agentArgs, int n, double seconds, double pressure) {
            double measured = cpuSlowdown(pairs);
            double wall = slowdown(pairs);
            double self = selfShare(pairs);
            double[] ci = interval(Result::cpuSlowdown);
            double[] wi = interval(Result::slowdown);
            double[] si = interval(Result::selfShare);
            double[] s = sums(pairs);
            boolean agrees = Math.abs(measured - self) <= Math.abs(measured) / 5;
            String segment = java.math.BigDecimal.valueOf(seconds).stripTrailingZeros().toPlainString();
            return String.format(Locale.ROOT, "# Calibration of the agent's self-accounting%n%n"
                            + "Workload `%s`, agent `%s`, one JVM, %d pairs of %s-s segments (monitoring active / "
                            + "paused over JMX), CPU pressure %.0f%% (share of time some task waited for a core).%n%n"
                            + "| figure | value | 95%% interval (bootstrap over pairs) |%n|---|---|---|%n"
                            + "| measured slowdown, training thread CPU per iteration: 1 − active/paused | %.2f%% "
                            + "| %.2f%% – %.2f%% |%n"
                            + "| measured slowdown, wall: 1 − active/paused it/s | %.2f%% | %.2f%% – %.2f%% |%n"
                            + "| self-accounted: agent share active − paused | %.2f%% | %.2f%% – %.2f%% |%n"
                            + "| agent share of active time | %.2f%% | |%n| agent share of paused time | %.3f%% | |%n"
                            + "| active / paused it/s (wall) | %.1f / %.1f | |%n"
                            + "| active / paused it per CPU-second | %.1f / %.1f | |%n"
                            + "| agent threads' CPU (statistics thread, publishing), share of active / paused time "
                            + "| %.2f%% / %.2f%% | |%n"
                            + "| garbage collection, share of active / paused time | %.2f%% / %.2f%% | |%n"
                            + "| heap allocated per iteration, training thread, active / paused | %s / %s | |%n%n"
                            + "Self-accounted and measured (CPU) agree within a fifth of the measured slowdown: "
                            + "**%s** (difference %.2f points).%n",
                    workload, agentArgs, n, segment, pressure * 100, measured * 100, ci[0] * 100, ci[1] * 100,
                    wall * 100, wi[0] * 100, wi[1] * 100, self * 100, si[0] * 100, si[1] * 100,
                    s[4] / s[1] * 100, s[5] / s[3] * 100, s[0] / s[1], s[2] / s[3], s[0] / s[6], s[2] / s[7],
                    s[8] / s[1] * 100, s[9] / s[3] * 100, s[10] / s[1] * 100, s[11] / s[3] * 100,
                    Stats.bytes(s[12] / s[0]), Stats.bytes(s[13] / s[2]), agrees ? "yes" : "no",
                    Math.abs(measured - self) * 100);
        }
    }

    private static String javaOf(java.util.Map<String, String> o) {
        return o.getOrDefault("java", Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    }
}
