package io.deadunit.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

import javax.management.ObjectName;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.ui.model.stats.StatsListener;
import org.deeplearning4j.ui.model.storage.InMemoryStatsStorage;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * One training workload in its own JVM, as a user's trainer would run: it never references deadunit (the driver
 * attaches the agent on the command line). Synthetic data, batch 64, a few pre-built batches reused in turn so
 * that data generation is not timed.
 *
 * <pre>
 *   --workload mlp|cnn|lstm|graph|deep|small   the model (see {@link #build})
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
        Model model = build(workload, layers);
        INDArray[][] data = data(workload, 8, layers);
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
            double selfTime0 = agentSelfTime(o.get("metricsUrl"));
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
            double selfTime1 = agentSelfTime(o.get("metricsUrl"));
            if (!Double.isNaN(selfTime0) && !Double.isNaN(selfTime1)) {
                emit("selftime", String.format(Locale.ROOT, "agentSeconds=%.6f share=%.6f", selfTime1 - selfTime0,
                        (selfTime1 - selfTime0) / elapsed));
            }
            int abPairs = Integer.parseInt(o.getOrDefault("abPairs", "0"));
            if (abPairs > 0) {
                i = activeVersusPaused(model, data, i, abPairs, Double.parseDouble(o.getOrDefault("abSeconds", "4")),
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

    /**
     * {@code --abPairs N --abSeconds S}: the agent's cost inside one JVM, free of the spread between JVMs. Pairs of
     * segments of S seconds, the agent's monitoring switched on in one and off in the other (its JMX attribute
     * {@code Monitoring}, as an operator would; paused, each hooked call stops at its first check), in alternating
     * order. One {@code BENCH ab} line per pair.
     */
    private static long activeVersusPaused(Model model, INDArray[][] data, long i, int pairs, double seconds,
                                           String metricsUrl) throws Exception {
        javax.management.MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName agent = new ObjectName("io.deadunit:type=Agent");
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!server.isRegistered(agent) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        if (!server.isRegistered(agent)) {
            emit("ab", "unavailable=true");
            return i;
        }
        for (int pair = 0; pair < pairs; pair++) {
            long[] iterations = new long[2];
            double[] elapsed = new double[2];
            double[] selfTime = new double[2];
            double[] cpu = new double[2];
            for (int segment = 0; segment < 2; segment++) {
                boolean active = (segment == 0) == (pair % 2 == 1);
                server.setAttribute(agent, new javax.management.Attribute("Monitoring", active));
                fit(model, data, i++); // the switch takes effect from the next pass on
                int k = active ? 0 : 1;
                // the agent's self-timed seconds of this segment, read outside it: calibrates the self-accounting
                double self0 = agentSelfTime(metricsUrl);
                // and the training thread's CPU time, which waiting for a core on a loaded machine does not inflate
                long cpu0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
                long start = System.nanoTime();
                long end = start + (long) (seconds * 1e9);
                long now;
                do {
                    fit(model, data, i++);
                    iterations[k]++;
                    now = System.nanoTime();
                } while (now < end);
                elapsed[k] = (now - start) / 1e9;
                cpu[k] = (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu0) / 1e9;
                selfTime[k] = agentSelfTime(metricsUrl) - self0;
            }
            emit("ab", String.format(Locale.ROOT, "pair=%d activeIterations=%d activeSeconds=%.4f pausedIterations=%d"
                    + " pausedSeconds=%.4f activeAgentSeconds=%.6f pausedAgentSeconds=%.6f activeCpuSeconds=%.4f"
                    + " pausedCpuSeconds=%.4f", pair, iterations[0], elapsed[0], iterations[1], elapsed[1],
                    selfTime[0], selfTime[1], cpu[0], cpu[1]));
        }
        server.setAttribute(agent, new javax.management.Attribute("Monitoring", true));
        return i;
    }

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

    private static final java.util.regex.Pattern OVERHEAD = java.util.regex.Pattern.compile(
            "^deadunit_agent_overhead_seconds_total(?:\\{[^}]*\\})? ([0-9.eE+-]+)", java.util.regex.Pattern.MULTILINE);

    /**
     * {@code --metricsUrl}: the agent's own count of time spent in its code on training threads
     * ({@code deadunit_agent_overhead_seconds_total}), read over HTTP like any scraper would (outside the measured
     * interval); NaN without the option or when it cannot be read.
     */
    private static double agentSelfTime(String url) {
        if (url == null) {
            return Double.NaN;
        }
        try {
            java.net.HttpURLConnection c = (java.net.HttpURLConnection) new java.net.URI(url).toURL().openConnection();
            c.setConnectTimeout(5000);
            c.setReadTimeout(10000);
            String body;
            try (java.io.InputStream in = c.getInputStream()) {
                body = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
            java.util.regex.Matcher m = OVERHEAD.matcher(body);
            return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
        } catch (Exception e) {
            return Double.NaN;
        }
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
        StringBuilder sb = new StringBuilder();
        byName.forEach((name, ms) -> sb.append(name).append('=').append(ms).append(' '));
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

    private static void fit(Model model, INDArray[][] data, long i) {
        INDArray[] batch = data[(int) (i % data.length)];
        if (model instanceof ComputationGraph) {
            ((ComputationGraph) model).fit(new INDArray[] {batch[0]}, new INDArray[] {batch[1]});
        } else {
            ((MultiLayerNetwork) model).fit(batch[0], batch[1]);
        }
    }

    /**
     * <ul>
     *   <li>mlp: 784-256-256-10, relu, softmax</li>
     *   <li>cnn: LeNet-style on 28x28x1: conv 5x5x20 relu, max-pool 2x2, conv 5x5x50 relu, max-pool 2x2,
     *       dense 500 relu, softmax 10</li>
     *   <li>lstm: LSTM 32 inputs to 64 units (tanh), T = 20, RnnOutputLayer 10 per step</li>
     *   <li>graph: ComputationGraph: 784 inputs to two dense branches (256 relu, 256 tanh), merged (512), dense 256
     *       relu, added (ElementWiseVertex) to a 256 relu skip branch, softmax 10</li>
     *   <li>deep: 64 inputs, L-1 dense layers of 64 relu, softmax 10 (L layers in all)</li>
     *   <li>small: 64-128-128-10 relu, softmax (fast; for the 10,000-iteration heap check)</li>
     * </ul>
     */
    static Model build(String workload, int layers) {
        NeuralNetConfiguration.Builder base = new NeuralNetConfiguration.Builder()
                .seed(42).updater(new Adam(1e-3)).weightInit(WeightInit.XAVIER);
        switch (workload) {
            case "mlp":
                return mln(base.list()
                        .layer(dense(256)).layer(dense(256)).layer(output(10))
                        .setInputType(InputType.feedForward(784)).build());
            case "small":
                return mln(base.list()
                        .layer(dense(128)).layer(dense(128)).layer(output(10))
                        .setInputType(InputType.feedForward(64)).build());
            case "deep": {
                NeuralNetConfiguration.ListBuilder list = base.list();
                for (int k = 0; k < layers - 1; k++) {
                    list.layer(dense(64));
                }
                return mln(list.layer(output(10)).setInputType(InputType.feedForward(64)).build());
            }
            case "cnn":
                return mln(base.list()
                        .layer(new ConvolutionLayer.Builder(5, 5).nOut(20).stride(1, 1)
                                .activation(Activation.RELU).build())
                        .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                                .kernelSize(2, 2).stride(2, 2).build())
                        .layer(new ConvolutionLayer.Builder(5, 5).nOut(50).stride(1, 1)
                                .activation(Activation.RELU).build())
                        .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                                .kernelSize(2, 2).stride(2, 2).build())
                        .layer(dense(500))
                        .layer(output(10))
                        .setInputType(InputType.convolutionalFlat(28, 28, 1)).build());
            case "lstm":
                return mln(base.list()
                        .layer(new LSTM.Builder().nOut(64).activation(Activation.TANH).build())
                        .layer(new RnnOutputLayer.Builder(LossFunction.MCXENT).nOut(10)
                                .activation(Activation.SOFTMAX).build())
                        .setInputType(InputType.recurrent(32, LSTM_STEPS, RNNFormat.NCW)).build());
            case "graph": {
                ComputationGraphConfiguration conf = base.graphBuilder()
                        .addInputs("in")
                        .addLayer("dense_a", new DenseLayer.Builder().nIn(784).nOut(256)
                                .activation(Activation.RELU).build(), "in")
                        .addLayer("dense_b", new DenseLayer.Builder().nIn(784).nOut(256)
                                .activation(Activation.TANH).build(), "in")
                        .addVertex("merge", new MergeVertex(), "dense_a", "dense_b")
                        .addLayer("dense_c", new DenseLayer.Builder().nIn(512).nOut(256)
                                .activation(Activation.RELU).build(), "merge")
                        .addLayer("skip", new DenseLayer.Builder().nIn(784).nOut(256)
                                .activation(Activation.RELU).build(), "in")
                        .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "dense_c", "skip")
                        .addLayer("out", new OutputLayer.Builder(LossFunction.MCXENT).nIn(256).nOut(10)
                                .activation(Activation.SOFTMAX).build(), "add")
                        .setOutputs("out")
                        .build();
                ComputationGraph graph = new ComputationGraph(conf);
                graph.init();
                return graph;
            }
            default:
                throw new IllegalArgumentException("--workload mlp|cnn|lstm|graph|deep|small, not " + workload);
        }
    }

    static final int LSTM_STEPS = 20;

    private static MultiLayerNetwork mln(MultiLayerConfiguration conf) {
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static DenseLayer dense(int n) {
        return new DenseLayer.Builder().nOut(n).activation(Activation.RELU).build();
    }

    private static OutputLayer output(int n) {
        return new OutputLayer.Builder(LossFunction.MCXENT).nOut(n).activation(Activation.SOFTMAX).build();
    }

    /** {features, one-hot labels} batches: uniform [0,1) features, labels drawn at random. */
    static INDArray[][] data(String workload, int count, int layers) {
        Random rnd = new Random(7);
        INDArray[][] out = new INDArray[count][];
        for (int b = 0; b < count; b++) {
            long[] featureShape;
            long[] labelShape;
            switch (workload) {
                case "mlp":
                case "graph":
                    featureShape = new long[] {BATCH, 784};
                    labelShape = new long[] {BATCH, 10};
                    break;
                case "cnn":
                    featureShape = new long[] {BATCH, 784};
                    labelShape = new long[] {BATCH, 10};
                    break;
                case "small":
                case "deep":
                    featureShape = new long[] {BATCH, 64};
                    labelShape = new long[] {BATCH, 10};
                    break;
                case "lstm":
                    featureShape = new long[] {BATCH, 32, LSTM_STEPS};
                    labelShape = new long[] {BATCH, 10, LSTM_STEPS};
                    break;
                default:
                    throw new IllegalArgumentException(workload);
            }
            INDArray features = Nd4j.rand(featureShape);
            float[] labels = new float[(int) Arrays.stream(labelShape).reduce(1, (x, y) -> x * y)];
            if (labelShape.length == 2) {
                for (int i = 0; i < BATCH; i++) {
                    labels[i * 10 + rnd.nextInt(10)] = 1f;
                }
            } else {
                for (int i = 0; i < BATCH; i++) {
                    int c = rnd.nextInt(10);
                    for (int t = 0; t < LSTM_STEPS; t++) {
                        labels[(i * 10 + c) * LSTM_STEPS + t] = 1f;
                    }
                }
            }
            out[b] = new INDArray[] {features, Nd4j.create(labels, labelShape, 'c')};
        }
        return out;
    }

    /** Heap after a full GC: MemoryMXBean "used" and the class histogram's total (which forces its own full GC). */
    static final class Heap {
        long used;
        long histogramTotal;
        long histogramInstances;
        long deadunitBytes;
        String text;

        /** {@code jcmd PID GC.class_histogram} from inside: a full GC, then live instances and bytes per class. */
        static String histogramText() throws Exception {
            return (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
        }

        /** {@code -Dbench.histogramTop=N}: the N biggest classes of each histogram, on stderr (diagnostics). */
        static final int TOP = Integer.getInteger("bench.histogramTop", 0);

        /**
         * ND4J frees an INDArray's native buffer from its own deallocator threads, after a GC has enqueued the
         * array's phantom reference; until then each dead array still holds ~150 bytes of bookkeeping on the heap
         * (DeallocatableReference, OpaqueDataBuffer, map nodes, id strings). So: histogram (full GC), give the
         * deallocator threads time, again, until the live total stops shrinking.
         */
        static Heap afterFullGc(String label) throws Exception {
            Heap h = histogram();
            for (int k = 0; k < 30; k++) {
                Thread.sleep(200);
                Heap next = histogram();
                boolean settled = h.histogramTotal - next.histogramTotal < 16 * 1024;
                h = next;
                if (settled) {
                    break;
                }
            }
            String dir = System.getProperty("bench.histogramDir");
            if (dir != null) {
                java.nio.file.Path file = java.nio.file.Path.of(dir, "histogram-" + label + ".txt");
                java.nio.file.Files.createDirectories(file.getParent());
                java.nio.file.Files.writeString(file, h.text);
            }
            System.gc();
            h.used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            return h;
        }

        private static Heap histogram() throws Exception {
            Heap h = new Heap();
            h.text = histogramText();
            String histogram = h.text;
            if (TOP > 0) {
                String[] lines = histogram.split("\n");
                for (int k = 0; k < Math.min(lines.length, TOP + 3); k++) {
                    System.err.println(lines[k]);
                }
            }
            for (String line : histogram.split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 3 && f[0].equals("Total")) {
                    h.histogramInstances = Long.parseLong(f[1]);
                    h.histogramTotal = Long.parseLong(f[2]);
                } else if (f.length >= 4 && f[3].startsWith("io.deadunit.")) {
                    h.deadunitBytes += Long.parseLong(f[2]);
                }
            }
            return h;
        }
    }

    /** {@code --key value} and bare {@code --flag} arguments. */
    static final class Args {
        static Map<String, String> parse(String[] args) {
            Map<String, String> out = new java.util.LinkedHashMap<>();
            List<String> list = new ArrayList<>(Arrays.asList(args));
            for (int k = 0; k < list.size(); k++) {
                String a = list.get(k);
                if (!a.startsWith("--")) {
                    throw new IllegalArgumentException("unexpected argument " + a);
                }
                String key = a.substring(2);
                int eq = key.indexOf('=');
                if (eq >= 0) {
                    out.put(key.substring(0, eq), key.substring(eq + 1));
                } else if (k + 1 < list.size() && !list.get(k + 1).startsWith("--")) {
                    out.put(key, list.get(++k));
                } else {
                    out.put(key, "true");
                }
            }
            return out;
        }
    }
}
