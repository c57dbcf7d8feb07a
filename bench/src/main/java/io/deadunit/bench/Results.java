package io.deadunit.bench;

import io.deadunit.bench.Bench.Config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.ToDoubleFunction;

import static io.deadunit.bench.Stats.f;

/** What the runs produced (throughput runs, scrapes, heap runs, problems) and the figures selected from it. */
final class Results {

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

    final List<Run> runs = new ArrayList<>();
    final List<ScrapeRound> scrapes = new ArrayList<>();
    final List<HeapRun> heapRuns = new ArrayList<>();
    final List<HeapRun> growthRuns = new ArrayList<>();
    final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    String forkJdk = "?";
    String forkThreads = "?";
    private final int rounds;

    Results(int rounds) {
        this.rounds = rounds;
    }

    List<Double> heapValues(int layers, Config c, String field) {
        List<Double> v = new ArrayList<>();
        for (HeapRun h : heapRuns) {
            if (h.layers() == layers && h.config() == c && h.end() != null) {
                v.add(h.end().number(field));
            }
        }
        return v;
    }

    String csv() {
        StringBuilder s = new StringBuilder("round,workload,configuration,ok,iterations,seconds,its,"
                + "process_cpu_seconds,first_iteration_ms,first_iteration_cpu_ms,agent_self_timed_share,cpu_pressure,"
                + "active_over_paused,agent_observed\n");
        for (Run run : runs) {
            Fork.Line res = run.outcome().first("result");
            s.append(run.round()).append(',').append(run.workload()).append(',').append(run.config().id).append(',')
                    .append(run.ok()).append(',')
                    .append(res == null ? "" : res.fields.get("iterations")).append(',')
                    .append(res == null ? "" : res.fields.get("seconds")).append(',')
                    .append(res == null ? "" : res.fields.get("its")).append(',')
                    .append(res == null ? "" : res.fields.get("processCpuSeconds")).append(',')
                    .append(f(run.firstIterationMs(), 0)).append(',').append(f(run.firstIterationCpuMs(), 0))
                    .append(',').append(Double.isNaN(run.selfTimedShare()) ? "" : f(run.selfTimedShare(), 5))
                    .append(',').append(f(run.outcome().cpuPressure, 3))
                    .append(',').append(Double.isNaN(run.activeOverPaused()) ? "" : f(run.activeOverPaused(), 4))
                    .append(',').append(run.outcome().agentObserved()).append('\n');
        }
        return s.toString();
    }

    // ----------------------------------------------------------------------------------------------------------
    // Helpers

    List<Double> values(String workload, Config c, ToDoubleFunction<Run> f) {
        List<Double> v = new ArrayList<>();
        for (Run run : runs) {
            if (run.workload().equals(workload) && run.config() == c && run.ok()) {
                v.add(f.applyAsDouble(run));
            }
        }
        return v;
    }

    List<Double> paired(String workload, Config c) {
        List<Double> v = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            Run a = find(workload, c, round);
            Run b = find(workload, Config.NONE, round);
            if (a != null && b != null) {
                v.add(a.its() / b.its());
            }
        }
        return v;
    }

    Run find(String workload, Config c, int round) {
        for (Run run : runs) {
            if (run.workload().equals(workload) && run.config() == c && run.round() == round && run.ok()) {
                return run;
            }
        }
        return null;
    }
}
