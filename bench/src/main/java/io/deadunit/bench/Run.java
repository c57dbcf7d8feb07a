package io.deadunit.bench;

import io.deadunit.bench.Bench.Config;

import java.util.ArrayList;
import java.util.List;

import static io.deadunit.bench.Stats.its;

/** One workload x configuration x round of the throughput benchmark, and the figures read from its fork. */
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
     * CPU time of the agent's own threads over the measured interval, as a share of its wall time (context: off the
     * training thread, so not in the self-accounted share).
     */
    double agentThreadsShare() {
        Fork.Line l = outcome.first("selftime");
        return l == null || !ok() || !l.fields.containsKey("agentThreadsShare") ? Double.NaN : l.number("agentThreadsShare");
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
