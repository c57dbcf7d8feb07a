package io.deadunit.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * DL4J's ParallelWrapper: worker threads train copies of one model at once. Every copy is monitored as a model of
 * its own, every copy sees the units forced dead, no minibatch is counted twice, and training finishes (no thread
 * blocks another on the agent's state).
 */
class ParallelWrapperIT {
    static final int FORCED_DEAD = 5;
    static final int EPOCHS = 3;
    static final int BATCHES = 24;

    @Test
    void everyWorkerCopyIsMonitoredAndIterationsAddUp() {
        try (ForkedTrainer t = ForkedTrainer.trainer("ParallelTrainer")
                .agentArgs("sampleEvery=1,window=4")
                .args("--workers", "2", "--deadUnits", Integer.toString(FORCED_DEAD),
                        "--epochs", Integer.toString(EPOCHS), "--batches", Integer.toString(BATCHES))
                .start()) {
            t.awaitDone(Duration.ofSeconds(120));
            PrometheusText p = t.scrape();

            // Worker copies of finished fits may already be collected, and their meters removed with them: the
            // live copies account for at most every minibatch once, never more.
            List<PrometheusText.Sample> iterations = p.find("dl4j_training_iterations_total");
            assertThat(iterations.stream().mapToDouble(s -> s.value).sum())
                    .as("no minibatch counted twice").isLessThanOrEqualTo(EPOCHS * BATCHES);
            assertThat(iterations).allSatisfy(s -> assertThat(s.value).isPositive());

            List<PrometheusText.Sample> hidden1 = p.find("dl4j_layer_dead_units", Map.of("layer", "hidden1"));
            assertThat(hidden1).as("at least one copy per worker").hasSizeGreaterThanOrEqualTo(2);
            assertThat(hidden1).allSatisfy(s -> assertThat(s.value).isGreaterThanOrEqualTo(FORCED_DEAD));
            assertThat(p.find("dl4j_layer_units", Map.of("layer", "hidden1")))
                    .allSatisfy(s -> assertThat(s.value).isEqualTo(32));
            assertThat(p.value("deadunit_agent_errors_total", Map.of())).isZero();
            assertThat(t.finish()).isZero();
        }
    }

    /** Replicas are merged by ParallelWrapper: revival refuses them, says so once, and reports dead units still. */
    @Test
    void revivalRefusesTheReplicasWithOneLine() {
        try (ForkedTrainer t = ForkedTrainer.trainer("ParallelTrainer").name("ParallelTrainer-revive")
                .agentArgs("sampleEvery=1,window=4,revive=true")
                .args("--workers", "2", "--deadUnits", Integer.toString(FORCED_DEAD),
                        "--epochs", Integer.toString(EPOCHS), "--batches", Integer.toString(BATCHES))
                .start()) {
            t.awaitDone(Duration.ofSeconds(240));     // three JVMs of this suite train side by side on a loaded box
            PrometheusText p = t.scrape();
            assertThat(p.find("dl4j_layer_revived_units_total")).allSatisfy(s -> assertThat(s.value).isZero());
            assertThat(p.find("dl4j_layer_dead_units", Map.of("layer", "hidden1")))
                    .allSatisfy(s -> assertThat(s.value).isGreaterThanOrEqualTo(FORCED_DEAD));
            assertThat(t.stderrLines().stream().filter(l -> l.startsWith("deadunit: revive=true is ignored for models"
                    + " trained by ParallelWrapper")).count()).as("stderr:%n%s", t.stderr()).isEqualTo(1);
            assertThat(p.value("deadunit_agent_errors_total", Map.of())).isZero();
            assertThat(t.finish()).isZero();
        }
    }
}
