package io.deadunit.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/**
 * Test 8. A broken configuration never breaks training: with bad agent arguments, or with the metrics port already
 * taken, the trainer trains, prints TRAINING_DONE and exits 0, and the agent says so in exactly one stderr line
 * starting with "deadunit:". (The exit summary is switched off by the environment, DEADUNIT_SUMMARY=false, so that
 * the agent arguments stay exactly the broken ones.)
 */
class BadConfigurationIT {

    @Test
    void badArgumentsAreReportedOnceAndTrainingCarriesOn() {
        try (ForkedTrainer t = ForkedTrainer.trainer("DeadLayerTrainer")
                .name("BadArgs")
                .agentArgs("bogus=1,port=notaport")
                .env("DEADUNIT_SUMMARY", "false")
                .args("--iterations", "10")
                .hold(false)
                .start()) {
            t.awaitDone();
            assertThat(t.waitForExit(Duration.ofSeconds(60))).as("exit code" + t.describe()).isZero();
            List<String> lines = agentLines(t);
            assertThat(lines).as("stderr lines starting with deadunit:" + t.describe()).hasSize(1);
            assertThat(lines.get(0)).as("the deadunit: line names the bad settings").contains("bogus")
                    .contains("port");
        }
    }

    @Test
    void busyPortIsReportedOnceAndTrainingCarriesOn() throws IOException {
        try (ServerSocket busy = new ServerSocket(0, 50, InetAddress.getByName("0.0.0.0"))) {
            int port = busy.getLocalPort();
            try (ForkedTrainer t = ForkedTrainer.trainer("DeadLayerTrainer")
                    .name("BusyPort")
                    .agentArgs("port=" + port + ",sampleEvery=1,window=5")
                    .env("DEADUNIT_SUMMARY", "false")
                    .args("--iterations", "10")
                    .hold(false)
                    .start()) {
                t.awaitDone();
                assertThat(t.waitForExit(Duration.ofSeconds(60))).as("exit code" + t.describe()).isZero();
                List<String> lines = agentLines(t);
                assertThat(lines).as("stderr lines starting with deadunit:" + t.describe()).hasSize(1);
                assertThat(lines.get(0)).as("the deadunit: line names the port").contains(Integer.toString(port));
            }
        }
    }

    static List<String> agentLines(ForkedTrainer t) {
        // "deadunit: serving <url>" says where the endpoint is, once; it reports nothing wrong.
        return t.stderrLines().stream().filter(l -> l.startsWith("deadunit:") && !l.startsWith("deadunit: serving "))
                .collect(Collectors.toList());
    }
}
