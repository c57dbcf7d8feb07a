package io.deadunit.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** A trainer that never finishes: awaitDone's failure says where it is (its main thread's stack), then it is killed. */
class ForkedTrainerTimeoutIT {

    @Test
    void aTimeoutCarriesTheStacksOfTheHungTrainer() {
        ForkedTrainer t = ForkedTrainer.trainer("DeadLayerTrainer").name("Timeout").withoutAgent()
                .args("--deadUnits", "5", "--seconds", "0").hold(false).start();
        try (t) {
            assertThatThrownBy(() -> t.awaitDone(Duration.ofSeconds(8))).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("no " + ForkedTrainer.DONE + " within PT8S")
                    .hasMessageContaining("\"main\"")
                    .hasMessageContaining("at io.deadunit.examples.DeadLayerTrainer.main");
            assertThat(t.file("threads.txt")).as("the whole dump").exists();
        }
        assertThat(t.process().isAlive()).as("killed by close()").isFalse();
    }
}
