package io.deadunit.bench;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import javax.management.ObjectName;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The workload's view of the agent, for the one-JVM comparison: the agent's self-timed seconds read over HTTP, and
 * segments with its monitoring active and paused over JMX. Like the rest of the workload it never links against
 * deadunit: it speaks Prometheus text and JMX, as an operator would.
 */
final class AgentSegments {
    private AgentSegments() {
    }

    /**
     * {@code --abPairs N --abSeconds S}: the agent's cost inside one JVM, free of the spread between JVMs. Pairs of
     * segments of S seconds, the agent's monitoring switched on in one and off in the other (its JMX attribute
     * {@code Monitoring}, as an operator would; paused, each hooked call stops at its first check), in alternating
     * order. One {@code BENCH ab} line per pair.
     */
    static long activeVersusPaused(Model model, INDArray[][] data, long i, int pairs, double seconds,
                                           String metricsUrl) throws Exception {
        javax.management.MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName agent = new ObjectName("io.deadunit:type=Agent");
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!server.isRegistered(agent) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        if (!server.isRegistered(agent)) {
            Workload.emit("ab", "unavailable=true");
            return i;
        }
        for (int pair = 0; pair < pairs; pair++) {
            long[] iterations = new long[2];
            double[] elapsed = new double[2];
            double[] selfTime = new double[2];
            double[] agentCpu = new double[2];
            double[] cpu = new double[2];
            double[] gc = new double[2];
            double[] allocated = new double[2];
            for (int segment = 0; segment < 2; segment++) {
                boolean active = (segment == 0) == (pair % 2 == 1);
                server.setAttribute(agent, new javax.management.Attribute("Monitoring", active));
                Timeline.phase = active ? "active" : "paused";
                Workload.fit(model, data, i++); // the switch takes effect from the next pass on
                int k = active ? 0 : 1;
                // the agent's self-timed seconds and its threads' CPU over this segment, read outside it: calibrate
                // the self-accounting
                double[] agent0 = agentSeconds(metricsUrl);
                // and the training thread's CPU time, which waiting for a core on a loaded machine does not inflate
                long cpu0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
                long gc0 = gcMillis();
                long allocated0 = threads().getCurrentThreadAllocatedBytes();
                long start = System.nanoTime();
                long end = start + (long) (seconds * 1e9);
                long now;
                do {
                    Workload.fit(model, data, i++);
                    iterations[k]++;
                    now = System.nanoTime();
                } while (now < end);
                elapsed[k] = (now - start) / 1e9;
                cpu[k] = (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu0) / 1e9;
                gc[k] = (gcMillis() - gc0) / 1e3;
                allocated[k] = threads().getCurrentThreadAllocatedBytes() - allocated0;
                double[] agent1 = agentSeconds(metricsUrl);
                selfTime[k] = agent1[0] - agent0[0];
                agentCpu[k] = agent1[1] - agent0[1];
            }
            Workload.emit("ab", String.format(Locale.ROOT, "pair=%d activeIterations=%d activeSeconds=%.4f pausedIterations=%d"
                    + " pausedSeconds=%.4f activeAgentSeconds=%.6f pausedAgentSeconds=%.6f activeCpuSeconds=%.4f"
                    + " pausedCpuSeconds=%.4f activeAgentThreadsCpuSeconds=%.6f pausedAgentThreadsCpuSeconds=%.6f"
                    + " activeGcSeconds=%.3f pausedGcSeconds=%.3f activeAllocatedBytes=%.0f pausedAllocatedBytes=%.0f",
                    pair, iterations[0], elapsed[0], iterations[1], elapsed[1], selfTime[0], selfTime[1], cpu[0],
                    cpu[1], agentCpu[0], agentCpu[1], gc[0], gc[1], allocated[0], allocated[1]));
        }
        server.setAttribute(agent, new javax.management.Attribute("Monitoring", true));
        Timeline.phase = "done";
        return i;
    }

    private static com.sun.management.ThreadMXBean threads() {
        return (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    }

    /** Time the collectors report (pauses, for the young collections that dominate here), summed. */
    private static long gcMillis() {
        long total = 0;
        for (java.lang.management.GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, gc.getCollectionTime());
        }
        return total;
    }

    private static final java.util.regex.Pattern OVERHEAD = java.util.regex.Pattern.compile(
            "^deadunit_agent_overhead_seconds_total(?:\\{[^}]*\\})? ([0-9.eE+-]+)", java.util.regex.Pattern.MULTILINE);
    private static final java.util.regex.Pattern AGENT_CPU = java.util.regex.Pattern.compile(
            "^deadunit_agent_cpu_seconds_total(?:\\{[^}]*\\})? ([0-9.eE+-]+)", java.util.regex.Pattern.MULTILINE);

    /**
     * {@code --metricsUrl}: the agent's own count of time spent in its code on training threads
     * ({@code deadunit_agent_overhead_seconds_total}), read over HTTP like any scraper would (outside the measured
     * interval); NaN without the option or when it cannot be read.
     */
    static double agentSelfTime(String url) {
        return agentCounter(url, OVERHEAD);
    }

    /**
     * {@link #agentSelfTime} and the CPU time of the agent's own threads ({@code deadunit_agent_cpu_seconds_total}:
     * the statistics thread's scans and window closes, publishing, the JIT warm-up), from one scrape; NaN where one
     * cannot be read.
     */
    static double[] agentSeconds(String url) {
        String body = scrape(url);
        return new double[] {counter(body, OVERHEAD), counter(body, AGENT_CPU)};
    }

    private static double agentCounter(String url, java.util.regex.Pattern counter) {
        return counter(scrape(url), counter);
    }

    private static double counter(String body, java.util.regex.Pattern counter) {
        if (body == null) {
            return Double.NaN;
        }
        java.util.regex.Matcher m = counter.matcher(body);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    /** The endpoint's text, or null without {@code --metricsUrl} or when it cannot be read. */
    private static String scrape(String url) {
        if (url == null) {
            return null;
        }
        try {
            java.net.HttpURLConnection c = (java.net.HttpURLConnection) new java.net.URI(url).toURL().openConnection();
            c.setConnectTimeout(5000);
            c.setReadTimeout(10000);
            try (java.io.InputStream in = c.getInputStream()) {
                return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
        } catch (Exception e) {
            return null;
        }
    }
}
