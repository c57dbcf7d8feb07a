package io.deadunit.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/**
 * Issue 12: a trainer near its heap limit. The agent must not turn a run that works into an OutOfMemoryError. The
 * smallest -Xmx the trainer trains with alone is found in this run (1 MB steps), so the test holds on any CPU and
 * JDK; then the same trainer with the agent, observing every iteration, must train with 3 MB more.
 *
 * <p>Why 3: where the trainer alone is bound by JavaCPP's physical-memory limit (the usual case here), the agent
 * trains at the same -Xmx (its footprint is added to that limit, see JavaCppBudget); where it is bound by the Java
 * heap itself, the agent needs up to 2 MB more, at start-up, while Byte Buddy resolves DL4J's classes (measured:
 * 13 MB alone, 15 MB with the agent, JavaCPP's limit off). Which of the two binds varies from run to run on a
 * loaded machine (the minimum alone was 15, 16 and 17 MB in three runs), so the margin covers the second.
 */
class HeapLimitIT {
    private static final int ITERATIONS = 50;
    /** Assumed too small for DL4J at all (a run that trains there only makes the bound below looser, not wrong). */
    private static final int LOW_MB = 10;
    private static final int HIGH_MB = 40;
    private static final int MARGIN_MB = 3;

    @Test
    void theAgentTrainsThreeMegabytesAboveTheSmallestHeapTheTrainerNeedsAlone() {
        assertThat(trains(HIGH_MB, false)).as("trains alone with -Xmx" + HIGH_MB + "m").isTrue();
        int fails = LOW_MB;
        int works = HIGH_MB;
        while (works - fails > 1) {
            int mid = (fails + works) / 2;
            if (trains(mid, false)) {
                works = mid;
            } else {
                fails = mid;
            }
        }
        int xmx = works + MARGIN_MB;
        try (ForkedTrainer t = run(xmx, true)) {
            int exit = t.waitForExit(Duration.ofSeconds(180));
            String stderr = t.stderr();
            assertThat(stderr).as("smallest -Xmx alone " + works + " MB; with the agent at " + xmx + " MB"
                    + t.describe()).doesNotContain("OutOfMemoryError");
            assertThat(exit).as("exit code with the agent at -Xmx" + xmx + "m" + t.describe()).isZero();
            assertThat(t.stdoutLines()).as("training finished" + t.describe()).contains("TRAINING_DONE");
        }
    }

    private static boolean trains(int mb, boolean agent) {
        try (ForkedTrainer t = run(mb, agent)) {
            return t.waitForExit(Duration.ofSeconds(180)) == 0 && t.stdoutLines().contains("TRAINING_DONE");
        }
    }

    private static ForkedTrainer run(int mb, boolean agent) {
        ForkedTrainer.Builder b = ForkedTrainer.trainer("DeadLayerTrainer")
                .name("Heap" + mb + (agent ? "Agent" : "Alone"))
                .jvmArgs("-Xmx" + mb + "m")
                .env("DEADUNIT_SUMMARY", "false")
                .args("--deadUnits", "5", "--iterations", Integer.toString(ITERATIONS))
                .hold(false);
        return (agent ? b.agentArgs("sampleEvery=1") : b.withoutAgent()).start();
    }
}
