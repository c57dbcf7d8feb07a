package io.deadunit.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.deadunit.agent.it.fixtures.ChildLoaderLauncher;

/**
 * DL4J loaded by a child class loader, as in a Spring Boot fat jar ({@code system}: the loader delegates to the
 * system class loader) or a plugin host ({@code isolated}: it does not): the system class path holds only the
 * launcher, and the agent still reports the trainer's layers exactly.
 */
class ChildLoaderIT {

    @ParameterizedTest
    @ValueSource(strings = {"system", "isolated"})
    void dl4jInAChildClassLoaderIsMonitored(String parent) throws Exception {
        Path dir = ItEnv.runDir("ChildLoader-" + parent);
        int port = ItEnv.freePort();
        Path launcherClasses = Paths.get(ChildLoaderLauncher.class.getProtectionDomain().getCodeSource().getLocation()
                .toURI());
        List<String> command = List.of(ItEnv.javaExecutable().toString(),
                "-javaagent:" + ItEnv.agentJar() + "=port=" + port + ",sampleEvery=1,window=10",
                "-cp", launcherClasses.toString(),
                ChildLoaderLauncher.class.getName(), parent, ItEnv.trainerClassPath(),
                "io.deadunit.examples.DeadLayerTrainer", "--deadUnits", "5", "--iterations", "20", "--hold");
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("OMP_NUM_THREADS", "1");
        Process process = builder.start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (!Files.readString(out).contains("TRAINING_DONE")) {
                assertThat(process.isAlive()).as("trainer alive; stderr: %s", Files.readString(err)).isTrue();
                assertThat(System.nanoTime()).as("TRAINING_DONE in time").isLessThan(deadline);
                Thread.sleep(100);
            }
            PrometheusText metrics = PrometheusText.parse(scrape(port));
            assertThat(metrics.value("dl4j_layer_units", Map.of("layer", "hidden1"))).isEqualTo(32);
            assertThat(metrics.value("dl4j_layer_dead_units", Map.of("layer", "hidden1"))).isGreaterThanOrEqualTo(5);
            assertThat(metrics.value("dl4j_training_iterations_total", Map.of())).isEqualTo(20);
            assertThat(metrics.value("deadunit_agent_errors_total", Map.of())).isZero();

            process.getOutputStream().close();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isZero();
        } finally {
            process.destroyForcibly();
        }
    }

    private static String scrape(int port) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                        .timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }
}
