package io.deadunit.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Test 7. The agent observes, it never changes training: the same trainer with the same seed trains to
 * byte-identical final parameters (model.params() as raw float32) with the agent (every iteration sampled) and
 * without it. Covers dense, convolution, truncated BPTT, dropout (ND4J's RNG must not be touched) and a graph.
 */
class BitwiseIdenticalIT {

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "MlpTrainer       | --iterations 30 --seed 7",
            "CnnTrainer       | --iterations 10 --seed 7 --deadChannels 2 --format NHWC",
            "LstmTrainer      | --iterations 5 --seed 7 --tbptt 5 --deadUnits 2",
            "ZooTrainer       | --iterations 20 --seed 7 --kind dropout --deadUnits 3",
            "GraphTrainer     | --iterations 20 --seed 7 --deadUnits 2"})
    void parametersAreIdenticalWithAndWithoutAgent(String trainer, String args) throws IOException {
        String[] a = args.trim().split("\\s+");
        byte[] with = train(trainer, a, true);
        byte[] without = train(trainer, a, false);
        assertThat(with.length).as("parameter file size").isEqualTo(without.length).isGreaterThan(0);
        if (!Arrays.equals(with, without)) {
            int first = 0;
            while (with[first] == without[first]) {
                first++;
            }
            throw new AssertionError(trainer + ": parameters differ with the agent; first differing float index "
                    + first / 4 + " of " + with.length / 4);
        }
    }

    private static byte[] train(String trainer, String[] args, boolean agent) throws IOException {
        ForkedTrainer.Builder b = ForkedTrainer.trainer(trainer)
                .name(trainer + (agent ? "-agent" : "-plain"))
                .args(args)
                .args("--params", "params.bin")
                .hold(false);
        if (agent) {
            b.agentArgs("sampleEvery=1,window=5");
        } else {
            b.withoutAgent();
        }
        try (ForkedTrainer t = b.start()) {
            t.awaitDone();
            assertThat(t.waitForExit(ForkedTrainer.DEFAULT_TIMEOUT)).as("exit code" + t.describe()).isZero();
            Path p = t.file("params.bin");
            assertThat(p).exists();
            return Files.readAllBytes(p);
        }
    }
}
