package io.deadunit.agent;

import java.util.Properties;

/**
 * Keeps the agent's own memory out of JavaCPP's native-memory guard. ND4J allocates through JavaCPP, which refuses
 * an allocation (an {@link OutOfMemoryError} in DL4J's {@code init()}) when the process' physical memory (resident,
 * not file-backed) exceeds {@code org.bytedeco.javacpp.maxPhysicalBytes}, by default {@code maxBytes + 3 × -Xmx}
 * with {@code maxBytes = -Xmx}. The agent's classes, compiled code and threads (Micrometer, Prometheus: about
 * 10 to 22 MB measured, see docs/robustness.md) count there although ND4J never asked for them, so a trainer that
 * runs without the agent near that limit would fail with it. The limit is therefore raised by {@link #ALLOWANCE},
 * which leaves ND4J the same room it has without the agent. Only when neither limit was set by the user (then the
 * user's values hold, untouched) and JavaCPP has not read them yet (an agent attached late changes nothing).
 */
final class JavaCppBudget {
    /** The agent's resident footprint, rounded up from the largest measured (22 MB at exit, NMT). */
    static final long ALLOWANCE = 32L << 20;
    private static final String[] KEYS = {
        "org.bytedeco.javacpp.maxbytes", "org.bytedeco.javacpp.maxBytes",
        "org.bytedeco.javacpp.maxphysicalbytes", "org.bytedeco.javacpp.maxPhysicalBytes"};
    static final String MAX_PHYSICAL = "org.bytedeco.javacpp.maxPhysicalBytes";

    private JavaCppBudget() {
    }

    /** Sets JavaCPP's default physical limit plus {@link #ALLOWANCE}; true when set. */
    static boolean raise(Properties properties, long maxHeap) {
        for (String key : KEYS) {
            if (properties.getProperty(key) != null) {
                return false;
            }
        }
        if (maxHeap <= 0 || maxHeap == Long.MAX_VALUE) {
            return false; // no heap limit: JavaCPP's own default is then no limit either
        }
        properties.setProperty(MAX_PHYSICAL, Long.toString(4 * maxHeap + ALLOWANCE));
        return true;
    }
}
