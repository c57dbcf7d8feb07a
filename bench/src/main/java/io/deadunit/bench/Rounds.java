package io.deadunit.bench;

import io.deadunit.bench.Bench.Config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static io.deadunit.bench.Bench.WARMUP_CAP_SECONDS;
import static io.deadunit.bench.Stats.f;
import static io.deadunit.bench.Stats.its;
import static io.deadunit.bench.Stats.minutes;

/**
 * The throughput phase: every workload in every configuration, round after round, configurations in an order rotated
 * by one each round (and per workload), one forked JVM per run; first a discarded run that unpacks JavaCPP's caches.
 */
final class Rounds extends Phase {

    Rounds(Bench b) {
        super(b);
    }

    /** JavaCPP unpacks its native libraries on the first run: do it outside any measurement. */
    void warmCaches() throws Exception {
        Fork.Outcome out = Fork.run(setup, List.of(), List.of("--workload", "mlp", "--warmup", "0", "--seconds",
                "0.5"), 600, logDir.resolve("warm-caches.log"), null);
        if (!out.ok()) {
            throw new IllegalStateException("the workload does not run: " + out.failure());
        }
        Fork.Line env = out.first("env");
        results.forkJdk = env.fields.get("java").replace('_', ' ');
        results.forkThreads = "OMP_NUM_THREADS=" + env.fields.get("omp") + "; ND4J maxThreads="
                + env.fields.get("ndThreads")
                + ", maxMasterThreads=" + env.fields.get("ndMasterThreads");
        Bench.log("caches warm; forks run " + results.forkJdk + " (" + results.forkThreads + ")");
    }

    void throughput() throws Exception {
        int total = o.rounds * o.workloads.size() * o.configs.size();
        int done = 0;
        long t0 = System.nanoTime();
        for (int round = 1; round <= o.rounds; round++) {
            for (int w = 0; w < o.workloads.size(); w++) {
                String workload = o.workloads.get(w);
                Durations d = o.durations(workload);
                List<Config> order = Bench.rotate(o.configs, round - 1 + w);
                for (Config c : order) {
                    List<String> jvm = new ArrayList<>();
                    List<String> args = new ArrayList<>(List.of("--workload", workload, "--warmup", f(d.warmup(), 1),
                            "--warmupIterations", String.valueOf(d.warmupIterations()), "--warmupCap",
                            f(WARMUP_CAP_SECONDS, 0), "--seconds", f(d.seconds(), 1), "--statsListener",
                            c.statsListener));
                    if (c.agentEnabled()) {
                        // A known port, so that the workload can read the agent's self-timed overhead before and
                        // after the measured interval.
                        int port = Bench.freePort();
                        jvm.add("-javaagent:" + agentJar + "=" + c.agentArgs.replace("port=0",
                                "host=127.0.0.1,port=" + port));
                        args.add("--metricsUrl");
                        args.add("http://127.0.0.1:" + port + "/metrics");
                        if (TimelinePlot.plotted(o, workload, c, round)) {
                            args.addAll(List.of("--timeline", String.valueOf(TimelinePlot.TICK_SECONDS)));
                        }
                        if (c.ab() && d.abPairs() > 0) {
                            args.addAll(List.of("--abPairs", String.valueOf(d.abPairs()), "--abSeconds",
                                    f(d.abSeconds(), 1)));
                        }
                    } else if (c.agentArgs != null) {
                        jvm.add("-javaagent:" + agentJar + "=" + c.agentArgs);
                    }
                    Path log = logDir.resolve(String.format(Locale.ROOT, "r%d-%s-%s.log", round, workload, c.id));
                    Fork.Outcome out = b.resumed(log);
                    if (out == null) {
                        out = Fork.run(setup, jvm, args,
                                (long) (d.warmup() + d.seconds() + WARMUP_CAP_SECONDS + d.abTotal()) + 300, log, null);
                    }
                    Run run = new Run(workload, c, round, out);
                    results.runs.add(run);
                    done++;
                    double elapsed = (System.nanoTime() - t0) / 1e9;
                    double eta = elapsed / done * (total - done);
                    if (!out.ok()) {
                        results.problems.add("round " + round + " " + workload + " " + c.id + " failed: "
                                + out.failure());
                        Bench.log(String.format(Locale.ROOT, "[%d/%d] round %d %-6s %-17s FAILED (%s)", done, total,
                                round,
                                workload, c.id, out.log));
                        continue;
                    }
                    if (c.agentEnabled() && !out.agentObserved()) {
                        results.problems.add("round " + round + " " + workload + " " + c.id
                                + ": the agent printed no exit summary (did it observe any layer?); log " + out.log);
                    }
                    Bench.log(String.format(Locale.ROOT,
                            "[%d/%d] round %d %-6s %-17s %8s it/s  first iteration %5.2f s  cpu pressure %3.0f%%  "
                                    + "(%s elapsed, ~%s left)",
                            done, total, round, workload, c.id, its(run.its()), run.firstIterationMs() / 1000,
                            100 * out.cpuPressure, minutes(elapsed), minutes(eta)));
                }
            }
        }
    }
}
