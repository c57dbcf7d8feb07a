package io.deadunit.bench;

import io.deadunit.bench.Bench.Config;
import io.deadunit.bench.Results.HeapRun;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static io.deadunit.bench.Bench.SCRAPE_LAYERS;
import static io.deadunit.bench.Stats.bytes;

/**
 * Heap measurements in forked runs: live heap per monitored layer (workload {@code deep}, L = 5 and 50, agent vs
 * none) and heap growth over many iterations (workload {@code small}), with the class histograms they save.
 */
final class HeapRuns extends Phase {

    HeapRuns(Bench b) {
        super(b);
    }

    void heapPerLayer() throws Exception {
        for (int rep = 1; rep <= o.heapReps; rep++) {
            for (int layers : new int[] {5, SCRAPE_LAYERS}) {
                for (Config c : List.of(Config.NONE, Config.AGENT_DEFAULTS)) {
                    List<String> jvm = c.agentArgs == null ? List.of()
                            : List.of("-javaagent:" + agentJar + "=" + c.agentArgs);
                    List<String> args = List.of("--workload", "deep", "--layers", String.valueOf(layers),
                            "--iterations", String.valueOf(o.heapIterations), "--heapReport");
                    Path log = logDir.resolve("heap-" + layers + "-" + c.id + "-" + rep + ".log");
                    Fork.Outcome out = b.resumed(log);
                    if (out == null) {
                        out = Fork.run(setup, jvm, args, 600, log, null);
                    }
                    HeapRun h = new HeapRun("deep" + layers, layers, c, out);
                    if (!out.ok() || h.end() == null) {
                        results.problems.add("heap run deep" + layers + " " + c.id + " failed: " + out.failure());
                        continue;
                    }
                    results.heapRuns.add(h);
                    Bench.log(String.format(Locale.ROOT, "heap deep%d %-15s after %d iterations: %s live (histogram)",
                            layers, c.id, o.heapIterations, bytes(h.end().number("histogramTotal"))));
                }
            }
        }
    }

    void heapGrowth() throws Exception {
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
            Fork.Outcome out = b.resumed(log);
            if (out == null) {
                out = Fork.run(setup, jvm, args, 1800, log, null);
            }
            if (!out.ok()) {
                results.problems.add("heap growth run " + c.id + " failed: " + out.failure());
                continue;
            }
            results.growthRuns.add(new HeapRun("small", 3, c, out));
            StringBuilder sb = new StringBuilder();
            for (Fork.Line l : out.all("heap")) {
                sb.append(' ').append(l.fields.get("iteration")).append(": ").append(bytes(l.number("histogramTotal")));
            }
            Bench.log("heap growth " + c.id + ":" + sb);
        }
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
    Map<String, Long> classGrowth(Config c, long from, long to) {
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
}
