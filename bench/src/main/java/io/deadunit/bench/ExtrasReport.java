package io.deadunit.bench;

import io.deadunit.bench.Bench.Config;
import io.deadunit.bench.Results.HeapRun;
import io.deadunit.bench.Results.ScrapeRound;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.deadunit.bench.Bench.GROWTH_TOLERANCE_BYTES;
import static io.deadunit.bench.Bench.HASH_TABLE_ARRAY;
import static io.deadunit.bench.Bench.SCRAPE_LAYERS;
import static io.deadunit.bench.Bench.SCRAPE_TARGET_MS;
import static io.deadunit.bench.Stats.bytes;
import static io.deadunit.bench.Stats.f;
import static io.deadunit.bench.Stats.median;
import static io.deadunit.bench.Stats.signedBytes;

/** The report's sections on the extra measurements: scrape time, heap per layer, heap growth. */
final class ExtrasReport {
    private final BenchOptions o;
    private final Results results;
    private final HeapRuns heap;

    ExtrasReport(Bench b) {
        this.o = b.o;
        this.results = b.results;
        this.heap = new HeapRuns(b);
    }

    void scrapeSection(StringBuilder r, List<String[]> verdicts) {
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
        for (ScrapeRound s : results.scrapes) {
            allProm.addAll(s.promMs());
            allPlain.addAll(s.plainMs());
            r.append("| ").append(s.round()).append(" | ").append(f(s.coldMs(), 1)).append(" ms | ")
                    .append(f(median(s.promMs()), 1)).append(" ms | ").append(f(Stats.quantile(s.promMs(), 0.9), 1))
                    .append(" ms | ").append(f(median(s.plainMs()), 1)).append(" ms | ").append(s.layers())
                    .append(" | ")
                    .append(s.lines()).append(" | ").append(bytes(s.bodyBytes())).append(" | ")
                    .append(bytes(s.gzipBytes()))
                    .append(" |\n");
        }
        r.append('\n');
        double worst = Math.max(median(allProm), median(allPlain));
        boolean layersOk = !results.scrapes.isEmpty()
                && results.scrapes.stream().allMatch(s -> s.layers() >= SCRAPE_LAYERS);
        if (!layersOk && !results.scrapes.isEmpty()) {
            r.append("Not every monitored layer was in the body: the agent did not publish all ").append(SCRAPE_LAYERS)
                    .append(" layers.\n\n");
        }
        verdicts.add(new String[] {"one scrape of `/metrics`, " + SCRAPE_LAYERS + " layers < 50 ms (median; "
                + "Prometheus headers / plain)",
                f(median(allProm), 1) + " ms / " + f(median(allPlain), 1) + " ms (cold first scrape "
                        + f(median(results.scrapes.stream().map(s -> s.coldMs()).toList()), 1) + " ms)",
                results.scrapes.isEmpty() ? "**no data**" : worst < SCRAPE_TARGET_MS && layersOk ? "met"
                        : "**MISSED**" + (layersOk ? "" : " (layers missing from the body)")});
    }

    void heapSection(StringBuilder r, List<String[]> verdicts) {
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
            double none = median(results.heapValues(layers, Config.NONE, "histogramTotal"));
            double agent = median(results.heapValues(layers, Config.AGENT_DEFAULTS, "histogramTotal"));
            double own = median(results.heapValues(layers, Config.AGENT_DEFAULTS, "deadunitClasses"));
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
        for (HeapRun h : results.growthRuns) {
            r.append("| ").append(h.config().id).append(" |");
            Map<String, Double> at = new LinkedHashMap<>();
            for (Fork.Line l : h.outcome().all("heap")) {
                at.put(l.fields.get("iteration"), l.number("histogramTotal"));
            }
            for (long cp : o.growthCheckpoints) {
                Double v = at.get(String.valueOf(cp));
                r.append(' ').append(v == null ? "n/a" : bytes(v)).append(" |");
            }
            Double first = at.get(String.valueOf(o.growthCheckpoints.get(0)));
            Double last = at.get(String.valueOf(o.growthCheckpoints.get(o.growthCheckpoints.size() - 1)));
            double g = first == null || last == null ? Double.NaN : last - first;
            growth.put(h.config(), g);
            r.append(' ').append(signedBytes(g)).append(" |\n");
        }
        double agentGrowth = growth.getOrDefault(Config.AGENT_EVERY, Double.NaN);
        double baseGrowth = growth.getOrDefault(Config.NONE, Double.NaN);
        long from = o.growthCheckpoints.get(0);
        long to = o.growthCheckpoints.get(o.growthCheckpoints.size() - 1);
        Map<String, Long> agentClasses = heap.classGrowth(Config.AGENT_EVERY, from, to);
        Map<String, Long> baseClasses = heap.classGrowth(Config.NONE, from, to);
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
}
