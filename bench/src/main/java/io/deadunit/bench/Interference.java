package io.deadunit.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What another busy thread of the same JVM costs the training thread on this machine, without any agent: the
 * yardstick for the agent's statistics thread, whose CPU the self-accounting reports apart
 * ({@code deadunit_agent_cpu_seconds_total}). Training alternates 0.2-s segments with a competitor thread idle and
 * busy; busy, it works {@code --busyMillis} then naps {@code --napMillis} (the statistics thread's rhythm), reading
 * a {@code --kib} array of floats over and over as a scan of tensor copies does. Reports the training thread's
 * slowdown per CPU-second (1 − busy / idle iterations per CPU-second, pooled, 95% bootstrap interval over pairs)
 * beside the competitor's CPU as a share of the busy segments.
 *
 * <pre>
 *   OMP_NUM_THREADS=1 java -cp bench/target/classes:$(cat bench/target/classpath.txt) io.deadunit.bench.Interference \
 *        [--workload wide] [--pairs 200] [--seconds 0.2] [--busyMillis 1] [--napMillis 7] [--kib 256]
 * </pre>
 */
public final class Interference {
    private static volatile boolean busy;
    private static volatile float sink;

    private Interference() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = Args.parse(args);
        String workload = o.getOrDefault("workload", "wide");
        int pairs = Integer.parseInt(o.getOrDefault("pairs", "200"));
        double seconds = Double.parseDouble(o.getOrDefault("seconds", "0.2"));
        long busyNanos = (long) (Double.parseDouble(o.getOrDefault("busyMillis", "1")) * 1e6);
        long napNanos = (long) (Double.parseDouble(o.getOrDefault("napMillis", "7")) * 1e6);
        float[] scanned = new float[Integer.parseInt(o.getOrDefault("kib", "256")) * 256];

        Nd4j.getRandom().setSeed(42);
        Model model = Models.build(workload, 50);
        INDArray[][] data = Models.data(workload, 8, 50);
        Thread competitor = new Thread(() -> compete(scanned, busyNanos, napNanos), "competitor");
        competitor.setDaemon(true);
        competitor.start();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long i = 0;
        for (long end = System.nanoTime() + 15_000_000_000L; System.nanoTime() < end; ) {
            Workload.fit(model, data, i++);
        }
        List<double[]> rows = new ArrayList<>(); // busyIt, busyCpu, idleIt, idleCpu, competitorCpu, busySeconds
        for (int pair = 0; pair < pairs; pair++) {
            double[] row = new double[6];
            for (int segment = 0; segment < 2; segment++) {
                boolean on = (segment == 0) == (pair % 2 == 1);
                busy = on;
                Workload.fit(model, data, i++);
                long cpu0 = threads.getCurrentThreadCpuTime();
                long other0 = threads.getThreadCpuTime(competitor.getId());
                long start = System.nanoTime();
                long n = 0;
                do {
                    Workload.fit(model, data, i++);
                    n++;
                } while (System.nanoTime() - start < seconds * 1e9);
                double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
                row[on ? 0 : 2] = n;
                row[on ? 1 : 3] = cpu;
                if (on) {
                    row[4] = (threads.getThreadCpuTime(competitor.getId()) - other0) / 1e9;
                    row[5] = (System.nanoTime() - start) / 1e9;
                }
            }
            rows.add(row);
        }
        busy = false;
        double slowdown = slowdown(rows);
        double[] interval = Stats.bootstrap95(rows, Interference::slowdown);
        double competitorShare = 0;
        double busySeconds = 0;
        for (double[] r : rows) {
            competitorShare += r[4];
            busySeconds += r[5];
        }
        System.out.printf(Locale.ROOT, "workload %s, %d pairs of %s s, competitor %s ms busy / %s ms nap over %d KiB:"
                        + " competitor CPU %.2f%% of the busy segments; training thread slowed by %.2f%% "
                        + "[%.2f, %.2f] per CPU-second%n", workload, pairs, o.getOrDefault("seconds", "0.2"),
                busyNanos / 1e6, napNanos / 1e6, scanned.length / 256, competitorShare / busySeconds * 100,
                slowdown * 100, interval[0] * 100, interval[1] * 100);
    }

    private static double slowdown(List<double[]> rows) {
        double[] s = new double[4];
        for (double[] r : rows) {
            for (int k = 0; k < 4; k++) {
                s[k] += r[k];
            }
        }
        return 1 - (s[0] / s[1]) / (s[2] / s[3]);
    }

    private static void compete(float[] scanned, long busyNanos, long napNanos) {
        while (true) {
            if (!busy) {
                LockSupport.parkNanos(1_000_000);
                continue;
            }
            long start = System.nanoTime();
            float sum = 0;
            while (System.nanoTime() - start < busyNanos) {
                for (float v : scanned) {
                    sum += v;
                }
            }
            sink = sum;
            LockSupport.parkNanos(napNanos);
        }
    }
}
