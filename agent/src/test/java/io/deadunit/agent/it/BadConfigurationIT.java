package io.deadunit.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /**
     * Issue 12, finding 1: a keystore that does not exist next to a readable keystore password file used to print
     * "keystorePasswordFile without keystore is ignored" and serve /metrics over plain HTTP. Now: no endpoint at
     * all, one line, training carries on.
     */
    @Test
    void aMissingKeystoreFailsClosed() throws IOException {
        Path passwordFile = Files.createTempFile("deadunit-keystore-password", ".txt");
        try {
            Files.writeString(passwordFile, "changeit\n");
            try (ForkedTrainer t = ForkedTrainer.trainer("DeadLayerTrainer")
                    .name("BadKeystore")
                    .agentArgs("keystore=/nonexistent.p12,keystorePasswordFile=" + passwordFile)
                    .env("DEADUNIT_SUMMARY", "false")
                    .args("--iterations", "10")
                    .start()) {
                t.awaitDone();
                // The trainer holds after training: the agent has had all the time it needs to start publishing.
                HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                HttpRequest scrape = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + t.port() + "/metrics")).timeout(Duration.ofSeconds(5)).build();
                assertThatThrownBy(() -> client.send(scrape, HttpResponse.BodyHandlers.ofString()))
                        .as("nothing may answer on the endpoint's port" + t.describe()).isInstanceOf(IOException.class);
                assertThat(t.finish()).as("exit code" + t.describe()).isZero();
                List<String> lines = agentLines(t);
                assertThat(lines).as("stderr lines starting with deadunit:" + t.describe()).hasSize(1);
                assertThat(lines.get(0)).contains("keystore=/nonexistent.p12", "will not start");
            }
        } finally {
            Files.deleteIfExists(passwordFile);
        }
    }

    static List<String> agentLines(ForkedTrainer t) {
        // "deadunit: serving <url>" says where the endpoint is, once; it reports nothing wrong.
        return t.stderrLines().stream().filter(l -> l.startsWith("deadunit:") && !l.startsWith("deadunit: serving "))
                .collect(Collectors.toList());
    }
}
