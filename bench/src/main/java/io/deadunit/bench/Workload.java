package io.deadunit.bench;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.ui.model.stats.StatsListener;
import org.deeplearning4j.ui.model.storage.InMemoryStatsStorage;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One training workload in its own JVM, as a user's trainer would run: it never references deadunit (the driver
 * attaches the agent on the command line). Synthetic data, batch 64, a few pre-built batches reused in turn so
 * that data generation is not timed.
 *
 * <pre>
 *   --workload mlp|cnn|lstm|graph|deep|small|wide  the model (see {@link Models#build})
 *   --layers L           deep: number of layers including the output layer (default 50)
 *   --seconds S          measured training time after warm-up (default 10)
 *   --warmup S           warm-up time, not measured (default 3)
 *   --warmupIterations N also at least N iterations of warm-up (default 0) ...
 *   --warmupCap S        ... but no more than S seconds of it (default 20)
 *   --untilStop          the measurement also ends when stdin says "stop" (or closes); --seconds is then a maximum
 *   --iterations N       instead of --seconds: train exactly N iterations after the first (no warm-up)
 *   --heapAt a,b,c       with --iterations: heap after full GC when iteration a, b, c completes
 *   --heapReport         after training: heap after full GC and a class histogram summary
 *   --statsListener none|default|every   DL4J StatsListener + InMemoryStatsStorage, every 10 or 1 iterations
 *   --metricsUrl URL     the agent's endpoint: its self-timed seconds are read around the measurement (and
 *                        around each A/B segment)
 *   --threadCpu          at the first iteration and after the measurement: CPU time of every thread so far
 *                        (where start-up went)
 *   --timeline S         every S seconds, a BENCH tick line (iterations, agent self-time, phase) for the plot
 *   --abPairs N --abSeconds S  after the measurement, N pairs of S-second segments with the agent's monitoring on
 *                        and off (JMX), in one JVM; needs the agent with jmx on
 * </pre>
 *
 * Output: lines starting with {@code BENCH } and {@code key=value} fields, read by {@link Bench}.
 */
public final class Workload {
    static final int BATCH = 64;
    static final String PREFIX = "BENCH ";

    private Workload() {
    }

    public static void main(String[] args) throws Exception {
        long jvmStartMillis = ManagementFactory.getRuntimeMXBean().getStartTime();
        Map<String, String> o = Args.parse(args);
        String workload = o.getOrDefault("workload", "mlp");
        int layers = Integer.parseInt(o.getOrDefault("layers", "50"));
        double seconds = Double.parseDouble(o.getOrDefault("seconds", "10"));
        double warmup = Double.parseDouble(o.getOrDefault("warmup", "3"));
        long warmupIterations = Long.parseLong(o.getOrDefault("warmupIterations", "0"));
        double warmupCap = Double.parseDouble(o.getOrDefault("warmupCap", "20"));
        if (o.containsKey("untilStop")) {
            watchStdin();
        }
        long iterations = Long.parseLong(o.getOrDefault("iterations", "0"));
        String listener = o.getOrDefault("statsListener", "none");
        TreeSet<Long> heapAt = new TreeSet<>();
        if (o.containsKey("heapAt")) {
            for (String s : o.get("heapAt").split(",")) {
                heapAt.add(Long.parseLong(s.trim()));
            }
        }

        Nd4j.getRandom().setSeed(42);
        Model model = Models.build(workload, layers);
        INDArray[][] data = Models.data(workload, 8, layers);
        switch (listener) {
            case "none":
                break;
            case "default":
                model.setListeners(statsListener(10));
                break;
            case "every":
                model.setListeners(statsListener(1));
                break;
            default:
                throw new IllegalArgumentException("--statsListener none|default|every, not " + listener);
        }
        emit("env", "java=" + System.getProperty("java.vm.name").replace(' ', '_') + "_"
                + System.getProperty("java.runtime.version")
                + " params=" + model.numParams()
                + " ndThreads=" + Nd4j.getEnvironment().maxThreads()
                + " ndMasterThreads=" + Nd4j.getEnvironment().maxMasterThreads()
                + " omp=" + System.getenv().getOrDefault("OMP_NUM_THREADS", "unset")
                + " agent=" + ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .anyMatch(a -> a.startsWith("-javaagent")));

        // The first iteration: what "time to the first training iteration" means.
        fit(model, data, 0);
        long firstDoneMillis = System.currentTimeMillis();
        long launch = Long.getLong("bench.launchMillis", jvmStartMillis);
        emit("first", String.format(Locale.ROOT, "sinceJvmStartMs=%d sinceLaunchMs=%d processCpuMs=%d",
                firstDoneMillis - jvmStartMillis, firstDoneMillis - launch, processCpuNanos() / 1_000_000));
        if (o.containsKey("threadCpu")) {
            emitThreadCpu();
        }

        if (o.containsKey("timeline")) {
            Timeline.start(Double.parseDouble(o.get("timeline")), o.get("metricsUrl"));
        }
        long i = 1;
        if (iterations > 0) {
            long t0 = System.nanoTime();
            for (; i <= iterations; i++) {
                fit(model, data, i);
                if (heapAt.contains(i)) {
                    Heap h = Heap.afterFullGc(String.valueOf(i));
                    emit("heap", "iteration=" + i + " used=" + h.used + " histogramTotal=" + h.histogramTotal
                            + " deadunitClasses=" + h.deadunitBytes + " instances=" + h.histogramInstances);
                }
            }
            double elapsed = (System.nanoTime() - t0) / 1e9;
            emit("result", String.format(Locale.ROOT, "iterations=%d seconds=%.4f its=%.4f", iterations, elapsed,
                    iterations / elapsed));
        } else {
            long warmupStart = System.nanoTime();
            long warmupEnd = warmupStart + (long) (warmup * 1e9);
            long warmupCapEnd = warmupStart + (long) (Math.max(warmup, warmupCap) * 1e9);
            while (true) {
                long t = System.nanoTime();
                if (t >= warmupCapEnd || (t >= warmupEnd && i > warmupIterations)) {
                    break;
                }
                fit(model, data, i++);
            }
            emit("ready", "warmupIterations=" + i);
            Timeline.phase = "measured";
            double[] agent0 = AgentSegments.agentSeconds(o.get("metricsUrl"));
            long cpu0 = processCpuNanos();
            long threadCpu0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            long n = 0;
            long now;
            do {
                fit(model, data, i++);
                n++;
                now = System.nanoTime();
            } while (now < end && !stop);
            double elapsed = (now - start) / 1e9;
            double cpu = (processCpuNanos() - cpu0) / 1e9;
            double threadCpu = (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - threadCpu0) / 1e9;
            emit("result", String.format(Locale.ROOT,
                    "iterations=%d seconds=%.4f its=%.4f processCpuSeconds=%.4f threadCpuSeconds=%.4f", n, elapsed,
                    n / elapsed, cpu, threadCpu));
            if (o.containsKey("threadCpu")) {
                emitThreadCpu();
            }
            double[] agent1 = AgentSegments.agentSeconds(o.get("metricsUrl"));
            if (!Double.isNaN(agent0[0]) && !Double.isNaN(agent1[0])) {
                double selfTime = agent1[0] - agent0[0];
                double agentCpu = agent1[1] - agent0[1];
                emit("selftime", String.format(Locale.ROOT, "agentSeconds=%.6f share=%.6f agentThreadsCpuSeconds=%.6f"
                        + " agentThreadsShare=%.6f", selfTime, selfTime / elapsed, agentCpu, agentCpu / elapsed));
            }
            int abPairs = Integer.parseInt(o.getOrDefault("abPairs", "0"));
            if (abPairs > 0) {
                i = AgentSegments.activeVersusPaused(model, data, i, abPairs, Double.parseDouble(o.getOrDefault("abSeconds", "4")),
                        o.get("metricsUrl"));
            }
        }
        if (o.containsKey("heapReport")) {
            Heap h = Heap.afterFullGc("end");
            emit("heap", "iteration=end used=" + h.used + " histogramTotal=" + h.histogramTotal
                    + " deadunitClasses=" + h.deadunitBytes + " instances=" + h.histogramInstances);
        }
        emit("done", "score=" + String.format(Locale.ROOT, "%.5f", model.score()));
        System.out.flush();
    }

    private static volatile boolean stop;

    /** A daemon thread that sets {@link #stop} when stdin says "stop" or reaches its end. */
    private static void watchStdin() {
        Thread t = new Thread(() -> {
            try (java.io.BufferedReader r = new java.io.BufferedReader(
                    new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null && !line.trim().equals("stop")) {
                    // wait
                }
            } catch (java.io.IOException e) {
                // treated as the end of stdin
            }
            stop = true;
        }, "bench-stdin");
        t.setDaemon(true);
        t.start();
    }

    /** CPU time of every thread so far, JVM threads (JIT compilers, GC) included: where start-up time went. */
    private static void emitThreadCpu() throws java.io.IOException {
        Map<String, Long> byName = new java.util.TreeMap<>();
        try (java.util.stream.Stream<java.nio.file.Path> tasks = java.nio.file.Files.list(
                java.nio.file.Paths.get("/proc/self/task"))) {
            for (java.nio.file.Path task : (Iterable<java.nio.file.Path>) tasks::iterator) {
                try {
                    String stat = java.nio.file.Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
                            .replaceAll("[0-9]+$", "#").replace(' ', '_');
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                    byName.merge(name, ticks * 10, Long::sum);
                } catch (java.io.IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        }
        // Threads that already ended (the agent's start-up thread) are gone from /proc: what the process spent
        // beyond the live threads is theirs.
        long live = byName.values().stream().mapToLong(Long::longValue).sum();
        long process = processCpuNanos() / 1_000_000;
        StringBuilder sb = new StringBuilder();
        byName.forEach((name, ms) -> sb.append(name).append('=').append(ms).append(' '));
        sb.append("ended_threads=").append(Math.max(0, process - live));
        emit("threadCpuMs", sb.toString().trim());
    }

    /** CPU time of the whole process (every thread: training, GC, JIT, the agent's own threads). */
    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean) {
            return ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
        }
        return -1;
    }

    private static TrainingListener statsListener(int frequency) {
        return new StatsListener(new InMemoryStatsStorage(), frequency);
    }

    static void emit(String kind, String fields) {
        System.out.println(PREFIX + kind + " " + fields);
        System.out.flush();
    }

    static void fit(Model model, INDArray[][] data, long i) {
        Timeline.ITERATIONS.lazySet(i);
        INDArray[] batch = data[(int) (i % data.length)];
        if (model instanceof ComputationGraph) {
            ((ComputationGraph) model).fit(new INDArray[] {batch[0]}, new INDArray[] {batch[1]});
        } else {
            ((MultiLayerNetwork) model).fit(batch[0], batch[1]);
        }
    }

}
