package io.deadunit.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * Evidence on a real data set: DigitsTrainer (the 8x8 digits, 1347 training / 450 test images, MLP 64-64-64-10,
 * Adam with a learning rate too high for it, fixed seed) under the agent, once observing only and once with
 * {@code revive=true}. The trainer measures its dead units (ReLU output 0 on every training image) and its test
 * accuracy itself, after training. With revival it must end with fewer dead units and an accuracy at least as good.
 * The two JVMs run side by side; each is deterministic (one thread, fixed seeds).
 */
class RevivalIT {

    /** 3050 iterations: the last revival (window 30, iteration 3000) is followed by 50 training iterations. */
    static final String[] TRAINER_ARGS = {"--lr", "0.07", "--iterations", "3050", "--seed", "42"};
    static final Duration TIMEOUT = Duration.ofMinutes(8);

    /** The trainer's own {@code RESULT dead=D units=U accuracy=A hidden0=D0 hidden1=D1} line, parsed. */
    static Map<String, Double> result(ForkedTrainer t) {
        Optional<String> line = t.stdoutLines().stream().filter(l -> l.startsWith("RESULT ")).findFirst();
        assertThat(line).as("RESULT line" + t.describe()).isPresent();
        Map<String, Double> values = new HashMap<>();
        for (String pair : line.get().substring("RESULT ".length()).split(" ")) {
            String[] kv = pair.split("=");
            values.put(kv[0], Double.parseDouble(kv[1]));
        }
        return values;
    }

    @Test
    void revivalEndsWithFewerDeadUnitsAndNoWorseAccuracy() {
        try (ForkedTrainer base = ForkedTrainer.trainer("DigitsTrainer").name("DigitsTrainer-observe")
                .agentArgs("revive=false").args(TRAINER_ARGS).start();
             ForkedTrainer revived = ForkedTrainer.trainer("DigitsTrainer").name("DigitsTrainer-revive")
                .agentArgs("revive=true,reviveEvery=1").args(TRAINER_ARGS).start()) {
            base.awaitDone(TIMEOUT);
            revived.awaitDone(TIMEOUT);
            Map<String, Double> without = result(base);
            Map<String, Double> with = result(revived);
            System.out.printf("RevivalIT: without revival dead %.0f/%.0f accuracy %.4f; with revival dead %.0f/%.0f"
                            + " accuracy %.4f%n", without.get("dead"), without.get("units"), without.get("accuracy"),
                    with.get("dead"), with.get("units"), with.get("accuracy"));

            PrometheusText pBase = base.scrape();
            PrometheusText pRevived = revived.scrape();
            String model = pRevived.trainedModel().orElseThrow();
            SoftAssertions soft = new SoftAssertions();
            soft.assertThat(without.get("dead")).as("the learning rate is too high: many units die without revival")
                    .isGreaterThanOrEqualTo(0.25 * without.get("units"));
            soft.assertThat(with.get("dead")).as("dead units with revival vs without").isLessThan(without.get("dead"));
            soft.assertThat(with.get("accuracy")).as("test accuracy with revival vs without")
                    .isGreaterThanOrEqualTo(without.get("accuracy"));

            double revivedTotal = 0;
            for (String layer : List.of("hidden0", "hidden1")) {
                revivedTotal += pRevived.value("dl4j_layer_revived_units_total", Map.of("model", model, "layer", layer));
                soft.assertThat(pBase.value("dl4j_layer_revived_units_total",
                        Map.of("model", pBase.trainedModel().orElseThrow(), "layer", layer))).as("observe only")
                        .isZero();
            }
            soft.assertThat(revivedTotal).as("units revived").isPositive();
            // The agent's own count agrees: fewer dead units in the last closed window (before its revival).
            double deadWithout = 0;
            double deadWith = 0;
            for (String layer : List.of("hidden0", "hidden1")) {
                deadWithout += pBase.value("dl4j_layer_dead_units",
                        Map.of("model", pBase.trainedModel().orElseThrow(), "layer", layer));
                deadWith += pRevived.value("dl4j_layer_dead_units", Map.of("model", model, "layer", layer));
            }
            soft.assertThat(deadWith).as("dl4j_layer_dead_units of the hidden layers, with vs without revival")
                    .isLessThan(deadWithout);
            soft.assertThat(pRevived.find("dl4j_layer_revived_units_total", Map.of("layer", "output")))
                    .as("the output layer is never revived")
                    .allSatisfy(s -> assertThat(s.value).isZero());
            soft.assertThat(revived.stderr()).as("start-up announcement")
                    .contains("deadunit: revive=true: dead units of dense layers will be REINITIALISED");
            soft.assertThat(base.stderr()).doesNotContain("REINITIALISED");
            soft.assertAll();
            assertThat(base.finish()).as("exit code" + base.describe()).isZero();
            assertThat(revived.finish()).as("exit code" + revived.describe()).isZero();
        }
    }
}
