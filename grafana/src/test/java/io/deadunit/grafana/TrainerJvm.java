package io.deadunit.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A DeadLayerTrainer JVM under the real agent jar, run from private copies of the jar and the example classes
 * (other builds may rewrite target/ meanwhile). With {@code --hold} it prints TRAINING_DONE after training and
 * waits for stdin to close ({@link #release()}), then exits normally; {@link #terminate()} sends SIGTERM instead.
 */
final class TrainerJvm implements AutoCloseable {
  static final String TRAINER = "io.deadunit.examples.DeadLayerTrainer";
  private static final String DONE = "TRAINING_DONE";

  private final String name;
  private final Process process;
  private final Path log;
  private final Path dir;

  private TrainerJvm(String name, Process process, Path log, Path dir) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.dir = dir;
  }

  /** Copies of the agent jar and the examples' class path in {@code work}; fails when they were not built. */
  record Setup(Path agentJar, String classpath) {
    static Setup in(Path work) throws Exception {
      Path repo = Repo.root();
      Path agentJar = repo.resolve("agent/target/deadunit-agent.jar");
      Path classes = repo.resolve("examples/target/classes");
      Path classpathFile = repo.resolve("examples/target/classpath.txt");
      for (Path required : List.of(agentJar, classpathFile, classes.resolve(TRAINER.replace('.', '/') + ".class"))) {
        if (!Files.exists(required)) {
          throw new AssertionError("missing " + required + ": package the agent and examples modules first "
              + "(mvn -B package -DskipTests -pl agent,examples -am)");
        }
      }
      Files.createDirectories(work);
      Path jar = PrometheusEndToEndIT.copyAgentJar(agentJar, work.resolve("deadunit-agent.jar"));
      Path copy = PrometheusEndToEndIT.copyTree(classes, work.resolve("examples-classes"));
      return new Setup(jar, copy + ":" + Files.readString(classpathFile).strip());
    }
  }

  static TrainerJvm start(Setup setup, Path dir, String name, String agentArgs, String... trainerArgs)
      throws IOException {
    Path log = dir.resolve("trainer-" + name + ".log");
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-javaagent:" + setup.agentJar() + "=" + agentArgs, "-cp", setup.classpath(), TRAINER));
    cmd.addAll(List.of(trainerArgs));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    // several trainers share the machine with Prometheus: one native thread each
    pb.environment().put("OMP_NUM_THREADS", "1");
    return new TrainerJvm(name, pb.start(), log, dir);
  }

  String name() {
    return name;
  }

  Process process() {
    return process;
  }

  String output() {
    try {
      return Files.readString(log, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      return "";
    }
  }

  boolean done() {
    return output().contains(DONE);
  }

  /** Ends {@code --hold}: the trainer returns from main and the JVM exits normally. */
  void release() throws IOException {
    OutputStream in = process.getOutputStream();
    in.close();
  }

  /**
   * SIGTERM, as a scheduler or {@code kill} sends, and nothing else. Not {@code Process.destroy()}: it also closes
   * the child's stdin, which ends {@code --hold} at the same moment, so main may return and the JVM exit normally
   * (status 0) before the signal's shutdown wins the race (seen once at status 0 instead of 143).
   */
  void terminate() {
    process.toHandle().destroy();
  }

  int awaitExit(Duration timeout) throws InterruptedException {
    assertThat(process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)).as("%s exits within %s\n%s", name,
        timeout, tail()).isTrue();
    return process.exitValue();
  }

  String tail() {
    return Processes.tail(log, 30);
  }

  /** dead units per layer from the ground truth file the trainer wrote with {@code --groundTruth}. */
  Map<String, Integer> groundTruthDead(String file) throws IOException {
    JsonNode root = Dashboard.JSON.readTree(dir.resolve(file).toFile());
    Map<String, Integer> dead = new LinkedHashMap<>();
    root.path("layers").fields().forEachRemaining(e -> dead.put(e.getKey(), e.getValue().path("dead").asInt()));
    assertThat(dead).as("layers in %s", file).isNotEmpty();
    return dead;
  }

  @Override
  public void close() {
    Processes.stop(process);
  }
}
