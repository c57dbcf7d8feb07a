package io.deadunit.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
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
        // Held to more than the cases below: not even an exception class's name may show.
        List<String> agentLines = runAndCollectAgentLines(agentArguments, "Exception");
        assertThat(agentLines).as("agent lines for %s", agentArguments).hasSizeLessThanOrEqualTo(1);
    }

    private static final String SECRET = "s3cretPW";

    /**
     * A port range whose every port is taken (held here on the loopback address the agent binds): one line naming
     * the range, no endpoint, training finishes. Malformed, reversed and out-of-range ranges are refused by the
     * parser (ConfigParserFuzzTest) and would fall back to the default port, which other tests may hold.
     */
    @Test
    void aPortRangeWithEveryPortBusyIsOneLine() throws IOException {
        try (ServerSocket first = busyPortFollowedByAFreeOne(); ServerSocket second = new ServerSocket(
                first.getLocalPort() + 1, 1, InetAddress.getLoopbackAddress())) {
            String range = first.getLocalPort() + "-" + second.getLocalPort();
            List<String> lines = runAndCollectAgentLines("port=" + range);
            assertThat(lines).as("agent lines for port=%s", range).hasSize(1);
            assertThat(lines.get(0)).startsWith("deadunit:").contains("no free port in " + range);
        }
    }

    static Stream<Arguments> pushUrlsThatCannotWork() {
        return Stream.of(
                Arguments.of("pushgateway=http://127.0.0.1:" + ItEnv.freePort() + ",pushEvery=1",
                        "deadunit: cannot push to the Pushgateway at http://127.0.0.1:"),
                Arguments.of("pushgateway=http://user:" + SECRET + "@127.0.0.1:1", "deadunit: pushgateway=http://***@"),
                Arguments.of("pushgateway=ht tp://gw:9091", "deadunit: pushgateway="),
                Arguments.of("pushgateway=ftp://gw:9091", "deadunit: pushgateway="));
    }

    /** Unreachable, credentials in the URL (never echoed), malformed, another scheme: one line, training finishes. */
    @ParameterizedTest
    @MethodSource("pushUrlsThatCannotWork")
    void aPushUrlThatCannotWorkIsOneLine(String agentArguments, String line) {
        List<String> lines = runAndCollectAgentLines("port=0," + agentArguments);
        assertThat(lines).as("agent lines for %s", agentArguments).hasSize(1);
        assertThat(lines.get(0)).startsWith(line).doesNotContain(SECRET);
    }

    /**
     * Trains under the agent, requires a normal exit and no stack trace, secret or {@code alsoForbidden} text on
     * stderr; returns the agent's lines but the summary and serving ones.
     */
    private static List<String> runAndCollectAgentLines(String agentArguments, String... alsoForbidden) {
        try (ForkedTrainer t = ForkedTrainer.trainer("RobustnessTrainer")
                .agentArgs(agentArguments)
                .env("DEADUNIT_SUMMARY", "false")
                .args("--iterations", "5")
                .hold(false)
                .start()) {
            t.awaitDone(Duration.ofSeconds(120));
            assertThat(t.waitForExit(Duration.ofSeconds(30))).isZero();
            // No stack trace and no secret; the one line may name an exception class (ConnectException).
            assertThat(t.stderr()).doesNotContain("\tat ", "Exception in thread", "Caused by", "FATAL", SECRET);
            if (alsoForbidden.length > 0) {
                assertThat(t.stderr()).doesNotContain(alsoForbidden);
            }
            return t.stderrLines().stream()
                    .filter(line -> line.startsWith("deadunit:") && !line.startsWith("deadunit: summary")
                            && !line.startsWith("deadunit: serving "))
                    .collect(Collectors.toList());
        }
    }

    private static ServerSocket busyPortFollowedByAFreeOne() throws IOException {
        for (int attempt = 0; ; attempt++) {
            ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            int next = s.getLocalPort() + 1;
            if (next <= 65535) {
                try (ServerSocket probe = new ServerSocket(next, 1, InetAddress.getLoopbackAddress())) {
                    return s;
                } catch (IOException busy) {
                    // try another pair
                }
            }
            s.close();
            if (attempt > 50) {
                throw new IOException("no two consecutive free ports on the loopback address");
            }
        }
    }
}
