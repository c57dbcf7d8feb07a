package io.deadunit.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/**
 * Test 9. Under the agent, a trainer that returns from main exits by itself within a few seconds (the agent leaves
 * no non-daemon thread behind), and prints the exit summary on stderr by default, not with summary=false.
 */
class ExitIT {

    static final Duration EXIT_WITHIN = Duration.ofSeconds(5);

    @Test
    void exitsByItselfAndPrintsTheSummary() {
        try (ForkedTrainer t = ForkedTrainer.trainer("DeadLayerTrainer")
                .name("ExitSummary")
                .agentArgs("sampleEvery=1,window=10")
                .args("--iterations", "20", "--deadUnits", "3")
                .hold(false)
                .start()) {
            t.awaitDone();
            long done = t.doneAtNanos();
            int code = t.waitForExit(EXIT_WITHIN.plusSeconds(1));
            long afterDone = System.nanoTime() - done;
            assertThat(code).as("exit code" + t.describe()).isZero();
            assertThat(Duration.ofNanos(afterDone)).as("time from TRAINING_DONE to exit").isLessThan(EXIT_WITHIN);
            List<String> err = t.stderrLines();
            assertThat(err.stream().anyMatch(l -> l.startsWith("deadunit: summary")))
                    .as("a deadunit: summary line on stderr" + t.describe()).isTrue();
            for (String layer : List.of("hidden0", "hidden1", "hidden2")) {
                assertThat(err.stream().anyMatch(l -> l.contains(layer)))
                        .as("summary mentions " + layer + t.describe()).isTrue();
            }
        }
    }

    @Test
    void noSummaryWithSummaryFalse() {
        try (ForkedTrainer t = ForkedTrainer.trainer("DeadLayerTrainer")
                .name("ExitNoSummary")
                .agentArgs("sampleEvery=1,window=10,summary=false")
                .args("--iterations", "20", "--deadUnits", "3")
                .hold(false)
                .start()) {
            t.awaitDone();
            long done = t.doneAtNanos();
            int code = t.waitForExit(EXIT_WITHIN.plusSeconds(1));
            assertThat(code).as("exit code" + t.describe()).isZero();
            assertThat(Duration.ofNanos(System.nanoTime() - done)).as("time from TRAINING_DONE to exit")
                    .isLessThan(EXIT_WITHIN);
            List<String> mentions = t.stderrLines().stream()
                    .filter(l -> l.contains("hidden1") || l.startsWith("deadunit: summary"))
                    .collect(Collectors.toList());
            assertThat(mentions).as("summary lines with summary=false" + t.describe()).isEmpty();
        }
    }

    @Test
    void exitsAfterHoldEnds() {
        try (ForkedTrainer t = ForkedTrainer.trainer("MlpTrainer")
                .name("ExitAfterHold")
                .agentArgs("sampleEvery=5,window=10")
                .args("--iterations", "20")
                .start()) {
            t.awaitDone();
            assertThat(t.scrape().find("dl4j_layer_units")).as("layers on /metrics").isNotEmpty();
            assertThat(t.finish(EXIT_WITHIN.plusSeconds(1))).as("exit code" + t.describe()).isZero();
        }
    }
}
