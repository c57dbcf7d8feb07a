package io.deadunit.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random agent argument strings on a real trainer: whatever the string, training finishes normally and the agent
 * says at most one line about it. (The parser itself is fuzzed with 10,000 cases in ConfigParserFuzzTest; this
 * checks the whole path, premain included, in forked JVMs.)
 */
class ArgumentFuzzIT {
    static final int CASES = 4;
    private static final String[] KEYS = {"port", "host", "sampleEvery", "window", "phases", "model", "enabled",
            "summary", "maxLayers", "jmx", "user", "passwordFile", "bogus", "", "PORT", "sample every", "labels",
            "targetsDir", "targetHost", "pushgateway", "pushEvery", "otlp", "otlpEvery"};
    private static final String[] VALUES = {"", "0", "-1", "abc", "99999999999999999999", "1e9", "train;inference",
            "ünïcødé", "true", "no", "127.0.0.1", "::1", "a=b", "🙂", " 10 ", "1000000", "9404-9400", "le:1",
            "app:x;app:y", "/nonexistent", "http://127.0.0.1:1", "ftp://x",
            "http://127.0.0.1:1/v1/metrics", "http://u:p@x/v1/metrics"};

    static Stream<String> arguments() {
        Random random = new Random(0xF022);
        return IntStream.range(0, CASES).mapToObj(i -> {
            StringBuilder args = new StringBuilder();
            int pairs = 1 + random.nextInt(5);
            for (int p = 0; p < pairs; p++) {
                if (p > 0) {
                    args.append(",;= ".charAt(random.nextInt(4)));
                }
                args.append(KEYS[random.nextInt(KEYS.length)]).append('=').append(VALUES[random.nextInt(VALUES.length)]);
            }
            // Never a port that another test could be using: the agent's port is always the free one added here.
            return "port=0," + args.toString().replace("port=", "portx=");
        });
    }

    @ParameterizedTest
    @MethodSource("arguments")
    void trainingFinishesAndTheAgentSaysAtMostOneLine(String agentArguments) {
        try (ForkedTrainer t = ForkedTrainer.trainer("RobustnessTrainer")
                .agentArgs(agentArguments)
                .env("DEADUNIT_SUMMARY", "false")
                .args("--iterations", "5")
                .hold(false)
                .start()) {
            t.awaitDone(Duration.ofSeconds(120));
            assertThat(t.waitForExit(Duration.ofSeconds(30))).isZero();
            List<String> agentLines = t.stderrLines().stream()
                    .filter(line -> line.startsWith("deadunit:") && !line.startsWith("deadunit: summary")
                            && !line.startsWith("deadunit: serving "))
                    .collect(Collectors.toList());
            assertThat(agentLines).as("agent lines for %s", agentArguments).hasSizeLessThanOrEqualTo(1);
            assertThat(t.stderr()).doesNotContain("Exception", "FATAL");
        }
    }
}
