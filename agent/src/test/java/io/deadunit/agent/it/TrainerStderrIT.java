package io.deadunit.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The agent adds nothing to a trainer's stderr but its own {@code deadunit:} lines (and the indented body of its
 * exit summary): the same trainer run without the agent prints exactly the other lines, in the same order. Libraries
 * the agent bundles (the SLF4J that Dropwizard's JMX reporter logs to, Byte Buddy) must stay silent.
 */
class TrainerStderrIT {

    @Test
    void underTheAgentStderrHoldsTheTrainersOwnLinesPlusDeadunitLines() {
        List<String> without = run(ForkedTrainer.trainer("DeadLayerTrainer").name("StderrWithout").withoutAgent(),
                false);
        List<String> with = run(ForkedTrainer.trainer("DeadLayerTrainer").name("StderrWith")
                .agentArgs("sampleEvery=1,window=5"), true);

        List<String> agents = new ArrayList<>();
        List<String> others = new ArrayList<>();
        boolean inSummary = false;
        for (String line : with) {
            inSummary = line.startsWith("deadunit: summary") || inSummary && line.startsWith("  ");
            (inSummary || line.startsWith("deadunit:") ? agents : others).add(line);
        }
        assertThat(agents).as("the agent ran and printed its exit summary").anyMatch(l -> l.startsWith("deadunit: summary"));
        assertThat(others).as("stderr under the agent, without its deadunit: lines, against the run without the agent")
                .containsExactlyElementsOf(without);
    }

    /** Trains, lets the agent publish everything (a scrape answers once JMX and the endpoint are up), exits. */
    private static List<String> run(ForkedTrainer.Builder builder, boolean agent) {
        try (ForkedTrainer t = builder.args("--iterations", "10").start()) {
            t.awaitDone();
            if (agent) {
                assertThat(t.scrapeUntil(text -> !text.find("dl4j_layer_dead_units").isEmpty(),
                        ForkedTrainer.DEFAULT_TIMEOUT).find("dl4j_layer_dead_units")).as("published" + t.describe())
                        .isNotEmpty();
            }
            assertThat(t.finish()).as("exit code" + t.describe()).isZero();
            return t.stderrLines();
        }
    }
}
