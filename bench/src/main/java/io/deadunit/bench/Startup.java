package io.deadunit.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where the agent's start-up goes: CPU time per thread group and wall time from JVM launch to the end of the first
 * training iteration, with and without the agent, in interleaved rounds (order rotated each round), one JVM per
 * run ({@link Workload} {@code --iterations 1 --threadCpu}, {@code OMP_NUM_THREADS=1}). A second agent jar
 * ({@code --compare}) runs in the same rounds, for a before/after table.
 *
 * <pre>
 *   java -cp bench/target/classes:$(cat bench/target/classpath.txt) io.deadunit.bench.Startup \
 *        [--workloads mlp,cnn,lstm,graph] [--rounds 5] [--agent agent/target/deadunit-agent.jar]
 *        [--compare other-agent.jar] [--agentArgs port=0] [--out bench/target/results/startup.md]
 * </pre>
 *
 * Thread groups: {@code main} (the trainer's thread, where classes load and the first hooks run), the agent's
 * live threads ({@code deadunit-*}), threads that ended before the first iteration (the agent's start-up thread),
 * the JIT compilers (C1, C2), GC, and the rest of the JVM.
 */
public final class Startup {
    static final String[] GROUPS = {"main", "agent threads", "ended threads", "C1", "C2", "GC", "other JVM"};

    private Startup() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = Args.parse(args);
        Path bench = Paths.get(o.getOrDefault("bench", "bench"));
        List<String> workloads = List.of(o.getOrDefault("workloads", "mlp,cnn,lstm,graph").split(","));
        int rounds = Integer.parseInt(o.getOrDefault("rounds", "5"));
        String agentArgs = o.getOrDefault("agentArgs", "port=0");
        Map<String, List<String>> configs = new LinkedHashMap<>();
        configs.put("none", List.of());
        configs.put("agent", List.of("-javaagent:" + Paths.get(o.getOrDefault("agent",
                "agent/target/deadunit-agent.jar")).toAbsolutePath() + "=" + agentArgs));
        if (o.containsKey("compare")) {
            configs.put("compare", List.of("-javaagent:" + Paths.get(o.get("compare")).toAbsolutePath() + "="
                    + agentArgs));
        }
        Path out = Paths.get(o.getOrDefault("out", "bench/target/results/startup.md"));
        String cp = Files.readString(bench.resolve("target/classpath.txt")).trim();
        Fork.Setup setup = new Fork.Setup(o.getOrDefault("java", Paths.get(System.getProperty("java.home"), "bin",
                "java").toString()), bench.resolve("target/classes") + java.io.File.pathSeparator + cp,
                List.of("-Xms1g", "-Xmx1g"));
        Path logs = out.toAbsolutePath().getParent().resolve("startup-logs");
        // sample[workload][config] = per round: wall, cpu, then one value per group
        Map<String, Map<String, List<double[]>>> samples = new LinkedHashMap<>();
        List<String> names = new ArrayList<>(configs.keySet());
        for (int round = 0; round < rounds; round++) {
            for (String w : workloads) {
                for (int k = 0; k < names.size(); k++) {
                    String c = names.get((k + round) % names.size());
                    Fork.Outcome run = Fork.run(setup, configs.get(c), List.of("--workload", w, "--iterations", "1",
                            "--threadCpu"), 300, logs.resolve(w + "-" + c + "-" + round + ".log"), null);
                    if (!run.ok()) {
                        throw new IllegalStateException(run.failure());
                    }
                    double[] s = sample(run);
                    samples.computeIfAbsent(w, x -> new LinkedHashMap<>()).computeIfAbsent(c, x -> new ArrayList<>())
                            .add(s);
                    System.out.printf(Locale.ROOT, "round %d %-5s %-7s wall %5.2f s cpu %5.2f s  pressure %3.0f%%%n",
                            round + 1, w, c, s[0] / 1000, s[1] / 1000, run.cpuPressure * 100);
                }
            }
        }
        String report = report(samples, names, rounds, agentArgs);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report);
        System.out.print(report);
    }

    /** wall ms, process CPU ms, then CPU ms of each of {@link #GROUPS}, at the end of the first iteration. */
    static double[] sample(Fork.Outcome run) {
        Fork.Line first = run.first("first");
        Fork.Line threads = run.first("threadCpuMs");
        double[] s = new double[2 + GROUPS.length];
        s[0] = first.number("sinceLaunchMs");
        s[1] = first.number("processCpuMs");
        for (Map.Entry<String, String> e : threads.fields.entrySet()) {
            s[2 + group(e.getKey())] += Double.parseDouble(e.getValue());
        }
        return s;
    }

    /** Thread names as /proc shows them (15 characters, trailing digits replaced by #). */
    static int group(String thread) {
        if (thread.equals("java")) {
            return 0;
        } else if (thread.startsWith("deadunit")) {
            return 1;
        } else if (thread.equals("ended_threads")) {
            return 2;
        } else if (thread.startsWith("C1_")) {
            return 3;
        } else if (thread.startsWith("C2_")) {
            return 4;
        } else if (thread.startsWith("G1_") || thread.startsWith("GC_") || thread.startsWith("VM_Thread")) {
            return 5;
        }
        return 6;
    }

    static String report(Map<String, Map<String, List<double[]>>> samples, List<String> configs, int rounds,
                         String agentArgs) {
        StringBuilder r = new StringBuilder("## Start-up, per thread\n\n");
        r.append(String.format(Locale.ROOT, "Time from JVM launch to the end of the first training iteration, %d "
                + "interleaved rounds, agent `%s` (`compare`: a second agent jar in the same rounds). Medians; "
                + "\"added\" is the median over rounds of (configuration − none) in the same round. CPU by thread "
                + "group at the first iteration (/proc, 10 ms ticks; `ended threads` = process CPU − live "
                + "threads, i.e. the agent's start-up thread).%n%n", rounds, agentArgs));
        r.append("| workload | configuration | wall | added wall | CPU | added CPU |");
        for (String g : GROUPS) {
            r.append(' ').append(g).append(" |");
        }
        r.append("\n|---|---|---:|---:|---:|---:|");
        for (int i = 0; i < GROUPS.length; i++) {
            r.append("---:|");
        }
        r.append('\n');
        for (Map.Entry<String, Map<String, List<double[]>>> w : samples.entrySet()) {
            List<double[]> none = w.getValue().get("none");
            for (String c : configs) {
                List<double[]> runs = w.getValue().get(c);
                if (runs == null) {
                    continue;
                }
                r.append("| ").append(w.getKey()).append(" | ").append(c).append(" | ")
                        .append(seconds(median(runs, 0))).append(" | ")
                        .append(c.equals("none") ? "" : signed(addedMedian(runs, none, 0))).append(" | ")
                        .append(seconds(median(runs, 1))).append(" | ")
                        .append(c.equals("none") ? "" : signed(addedMedian(runs, none, 1))).append(" |");
                for (int g = 0; g < GROUPS.length; g++) {
                    double v = median(runs, 2 + g);
                    r.append(' ').append(c.equals("none") ? seconds(v)
                            : seconds(v) + " (" + signed(addedMedian(runs, none, 2 + g)) + ")").append(" |");
                }
                r.append('\n');
            }
        }
        return r.toString();
    }

    private static double median(List<double[]> runs, int field) {
        List<Double> v = new ArrayList<>();
        runs.forEach(s -> v.add(s[field]));
        return Stats.median(v);
    }

    private static double addedMedian(List<double[]> runs, List<double[]> none, int field) {
        List<Double> d = new ArrayList<>();
        for (int i = 0; i < Math.min(runs.size(), none.size()); i++) {
            d.add(runs.get(i)[field] - none.get(i)[field]);
        }
        return Stats.median(d);
    }

    private static String seconds(double ms) {
        return String.format(Locale.ROOT, "%.2f s", ms / 1000);
    }

    private static String signed(double ms) {
        return String.format(Locale.ROOT, "%+.2f s", ms / 1000).replace('-', '−');
    }
}
