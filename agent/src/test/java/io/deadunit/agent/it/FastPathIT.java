package io.deadunit.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The promise of the README: a hooked call of an iteration that is not sampled costs two volatile reads, whatever
 * else lives in the JVM. A cloned model that is never trained (as a restored or cloned model is) must not keep the
 * hooks of the model that trains off their fast path. Work is counted by {@code deadunit_agent_observed_calls_total}
 * (every hooked call that went past the fast-path check): with the idle clone, exactly one more call than without
 * (the clone's registration at its {@code init}), and in both runs far fewer than one per hooked call.
 */
class FastPathIT {
    static final int ITERATIONS = 200;
    static final int SAMPLE_EVERY = 10;
    /** Hooked calls of one iteration of DeadLayerTrainer: 4 forwards (output layer included) and 3 backwards. */
    static final int CALLS_PER_ITERATION = 7;

    @Test
    void anIdleModelKeepsNoHookOffTheFastPath() {
        double without = observedCalls(false);
        double with = observedCalls(true);
        assertThat(with).as("work with an idle clone vs without (+1: its registration)").isEqualTo(without + 1);
        int sampled = ITERATIONS / SAMPLE_EVERY;
        // sampled iterations: each hooked call; every iteration: its count; a few registrations
        double bound = sampled * CALLS_PER_ITERATION + ITERATIONS + 10;
        assertThat(with).as("calls past the fast path; every hooked call would be %d",
                ITERATIONS * CALLS_PER_ITERATION).isLessThanOrEqualTo(bound);
    }

    private static double observedCalls(boolean idleClone) {
        try (ForkedTrainer t = ForkedTrainer.trainer("DeadLayerTrainer")
                .name("FastPath-" + (idleClone ? "idle" : "alone"))
                .agentArgs("sampleEvery=" + SAMPLE_EVERY + ",window=50")
                .args("--iterations", Integer.toString(ITERATIONS), "--idleClone", Boolean.toString(idleClone))
                .start()) {
            t.awaitDone();
            PrometheusText p = t.scrape();
            assertThat(p.value("deadunit_agent_errors_total", Map.of())).as("agent errors" + t.describe()).isZero();
            assertThat(p.find("dl4j_training_iterations_total")).as("models" + t.describe())
                    .hasSize(idleClone ? 2 : 1);
            double calls = p.value("deadunit_agent_observed_calls_total", Map.of());
            assertThat(t.finish()).as("exit code" + t.describe()).isZero();
            return calls;
        }
    }
}
