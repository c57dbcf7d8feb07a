package io.deadunit.bench;

import io.deadunit.bench.Bench.Config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.deadunit.bench.Bench.STARTUP_TARGET_MS;
import static io.deadunit.bench.Stats.f;
import static io.deadunit.bench.Stats.its;
import static io.deadunit.bench.Stats.median;
import static io.deadunit.bench.Stats.pct;
import static io.deadunit.bench.Stats.pct2;
import static io.deadunit.bench.Stats.seconds;
import static io.deadunit.bench.Stats.signedSeconds;

/** The report's sections on the throughput runs: throughput and ratios, one-JVM active vs paused, start-up. */
final class ThroughputReport {
    private final BenchOptions o;
    private final Results results;

    ThroughputReport(Bench b) {
        this.o = b.o;
        this.results = b.results;
    }

    /**
     * The agent's cost measured inside each agent run: monitoring switched on and off over JMX in alternating
     * segments of the same JVM, so the spread between JVMs (several percent here, for identical configurations)
     * does not enter. Paused, the agent still runs its hooks (each stops at its first check); `disabled` vs `none`
     * bounds what that costs.
     */
    void abSection(StringBuilder r, List<String[]> verdicts) {
        List<Config> configs = new ArrayList<>();
        for (Config c : o.configs) {
            if (c.ab() && !results.values(o.workloads.get(0), c, Run::activeOverPaused).stream()
                    .allMatch(v -> v.isNaN())) {
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
                + "(").append(example.abPairs()).append(" pairs of ").append(f(example.abSeconds(), 1))
                .append(" s for ").append(o.workloads.get(0))
                .append("). Active / paused it/s over all segments of a run (pooled, so window closes count as often "
                        + "as they happened); median over rounds, and the range of single pairs. Both sides run in "
                        + "the same JVM, so the spread between JVMs does not enter. Paused, each hooked call costs "
                        + "stops at its first check: `disabled` vs `none` above bounds that.\n\n");
        r.append("| workload | configuration | active / paused, median of runs | runs min–max "
                + "| single pairs min–max "
                + "| target | verdict |\n|---|---|---:|---:|---:|---:|---|\n");
        for (Config c : configs) {
            List<String> figures = new ArrayList<>();
            List<String> missed = new ArrayList<>();
            for (String w : o.workloads) {
                List<Double> ratios = new ArrayList<>(results.values(w, c, Run::activeOverPaused));
                ratios.removeIf(v -> v.isNaN());
                List<Double> pairs = new ArrayList<>();
                for (Run run : results.runs) {
                    if (run.workload().equals(w) && run.config() == c) {
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

    void throughputSection(StringBuilder r, List<String[]> verdicts) {
        r.append("## Throughput\n\n");
        r.append("| workload | configuration | it/s median | it/s min–max | ratio of medians | paired ratio median "
                + "[min–max] | CPU ratio | agent self-timed | CPU pressure | target | verdict |\n");
        r.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        Map<Config, List<String>> missedBy = new LinkedHashMap<>();
        Map<Config, List<String>> figures = new LinkedHashMap<>();
        for (String w : o.workloads) {
            List<Double> base = results.values(w, Config.NONE, Run::its);
            double baseMedian = median(base);
            double baseCpu = median(results.values(w, Config.NONE, Run::itsPerCpu));
            for (Config c : o.configs) {
                List<Double> v = results.values(w, c, Run::its);
                double med = median(v);
                List<Double> paired = results.paired(w, c);
                double ratio = med / baseMedian;
                double pairedMedian = median(paired);
                double cpuRatio = median(results.values(w, c, Run::itsPerCpu)) / baseCpu;
                List<Double> pressure = new ArrayList<>();
                for (Run run : results.runs) {
                    if (run.workload().equals(w) && run.config() == c) {
                        pressure.add(run.outcome().cpuPressure);
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
                        .append(c.agentEnabled() ? pct2(median(results.values(w, c, Run::selfTimedShare))) : "")
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
        // The aim: an order of magnitude cheaper than StatsListener at the same reporting frequency.
        if (o.configs.contains(Config.AGENT_DEFAULTS) && o.configs.contains(Config.SL_DEFAULT)) {
            r.append("Overhead (1 − paired ratio) of the agent against `StatsListener` at the same frequency:\n\n");
            r.append("| workload | agent-defaults | statslistener-10 | agent-every | statslistener-1 |\n");
            r.append("|---|---:|---:|---:|---:|\n");
            for (String w : o.workloads) {
                r.append("| ").append(w);
                for (Config c : List.of(Config.AGENT_DEFAULTS, Config.SL_DEFAULT, Config.AGENT_EVERY,
                        Config.SL_EVERY)) {
                    r.append(" | ").append(o.configs.contains(c) ? pct(1 - median(results.paired(w, c))) : "");
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

    void startupSection(StringBuilder r, List<String[]> verdicts) {
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
                List<Double> v = results.values(w, c, Run::firstIterationMs);
                List<Double> deltas = new ArrayList<>();
                List<Double> cpuDeltas = new ArrayList<>();
                for (int round = 1; round <= o.rounds; round++) {
                    Run a = results.find(w, c, round);
                    Run b = results.find(w, Config.NONE, round);
                    if (a != null && b != null) {
                        deltas.add(a.firstIterationMs() - b.firstIterationMs());
                        cpuDeltas.add(a.firstIterationCpuMs() - b.firstIterationCpuMs());
                    }
                }
                double added = median(deltas);
                r.append("| ").append(w).append(" | ").append(c.id).append(" | ").append(seconds(median(v)))
                        .append(" | ").append(seconds(Stats.min(v))).append("–").append(seconds(Stats.max(v)))
                        .append(" | ").append(c == Config.NONE ? "" : signedSeconds(added))
                        .append(" | ").append(seconds(median(results.values(w, c, Run::firstIterationCpuMs))))
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
}
