package io.deadunit.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.deadunit.agent.it.fixtures.DropLoaderLauncher;
import java.io.File;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, finding 3: the agent never pins a class loader or a model. A launcher loads DL4J's network classes
 * and a trainer through its own loader (as notebooks, REPLs and redeploying servers do), trains, then drops
 * loader and model: the loader's weak reference clears while the agent runs, and the dropped model's series leave
 * the endpoint. (ND4J, whose native threads and caches are process-wide, sits on the system class path, as it
 * would in a server's shared libraries.)
 */
class DroppedLoaderIT {
    private static final Duration SERIES_GONE_WITHIN = Duration.ofSeconds(20);

    @Test
    void aDroppedLoaderAndModelAreCollectedAndTheirSeriesLeave() throws Exception {
        Path dir = ItEnv.runDir("DroppedLoader");
        int port = ItEnv.freePort();
        List<String> child = new ArrayList<>();
        List<String> shared = new ArrayList<>();
        shared.add(Paths.get(DropLoaderLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString());
        for (String entry : ItEnv.trainerClassPath().split(File.pathSeparator)) {
            String name = Paths.get(entry).getFileName().toString();
            // DL4J's network classes and the trainer live and die with the dropped loader.
            (name.startsWith("deeplearning4j-") || entry.equals(ItEnv.examplesClasses().toString())
                    ? child : shared).add(entry);
        }
        assertThat(child).anyMatch(e -> e.contains("deeplearning4j-nn"));
        List<String> command = List.of(ItEnv.javaExecutable().toString(),
                "-javaagent:" + ItEnv.agentJar() + "=port=" + port + ",sampleEvery=1,window=5",
                "-cp", String.join(File.pathSeparator, shared),
                DropLoaderLauncher.class.getName(), String.join(File.pathSeparator, child),
                "io.deadunit.examples.DeadLayerTrainer", "--deadUnits", "5", "--iterations", "20", "--hold");
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("OMP_NUM_THREADS", "1");
        builder.environment().put("DEADUNIT_SUMMARY", "false");
        Process process = builder.start();
        try {
            awaitLine(process, out, err, "TRAINING_DONE", Duration.ofSeconds(120));
            PrometheusText before = PrometheusText.parse(scrape(port));
            assertThat(before.value("dl4j_layer_units", Map.of("layer", "hidden1"))).isEqualTo(32);

            OutputStream stdin = process.getOutputStream();
            stdin.write("drop\n".getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            awaitLine(process, out, err, "LOADER_COLLECTED", Duration.ofSeconds(60));

            assertThat(Files.readString(out)).as("stdout; stderr: " + Files.readString(err))
                    .contains("LOADER_COLLECTED true");
            long deadline = System.nanoTime() + SERIES_GONE_WITHIN.toNanos();
            PrometheusText after = PrometheusText.parse(scrape(port));
            while (!after.find("dl4j_layer_units").isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(500);
                after = PrometheusText.parse(scrape(port));
            }
            assertThat(after.find("dl4j_layer_units")).as("layer series of the collected model").isEmpty();
            assertThat(after.value("deadunit_agent_errors_total", Map.of())).isZero();

            stdin.close();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isZero();
        } finally {
            process.destroyForcibly();
        }
    }

    private static void awaitLine(Process process, Path out, Path err, String marker, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.readString(out).contains(marker)) {
            assertThat(process.isAlive()).as("alive, waiting for %s; stderr: %s", marker, Files.readString(err))
                    .isTrue();
            assertThat(System.nanoTime()).as(marker + " in time").isLessThan(deadline);
            Thread.sleep(100);
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
