package io.deadunit.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, many JVMs on one host: three DeadLayerTrainer JVMs started with one and the same
 * {@code port=<range>,targetsDir=<dir>} and each its own {@code labels=}, and a real Prometheus whose only job is
 * the shipped {@code deadunit} job with its file-based discovery pointed at {@code <dir>}. No target is written by
 * hand: all three are discovered, scraped, tell apart by their identity labels, and their dead-unit counts equal
 * each trainer's own ground truth. After the trainers exit their discovery files are gone.
 */
class ManyTrainersDiscoveryIT {
  private static final int TRAINERS = 3;
  private static final int WINDOW = 10;
  /** How many dead units of hidden1 each trainer forces: every trainer's figures differ. */
  private static final List<String> DEAD = List.of("0", "8", "all");

  @Test
  void threeTrainersWithOneSettingAreDiscoveredScrapedAndTidyUp() throws Exception {
    long started = System.nanoTime();
    Path work = Repo.buildDir().resolve("many-trainers");
    PrometheusEndToEndIT.deleteRecursively(work);
    Path targets = Files.createDirectories(work.resolve("targets"));
    TrainerJvm.Setup setup = TrainerJvm.Setup.in(work);
    int first = PrometheusEndToEndIT.freePort();
    String range = first + "-" + Math.min(65535, first + 30);

    List<TrainerJvm> trainers = new ArrayList<>();
    try (LocalPrometheus prometheus = LocalPrometheus.start(work, config(work, targets))) {
      for (int i = 0; i < TRAINERS; i++) {
        trainers.add(TrainerJvm.start(setup, work, "trial" + i,
            "port=" + range + ",targetsDir=" + targets + ",labels=sweep:many;trial:" + i
                + ",sampleEvery=1,window=" + WINDOW + ",summary=false",
            "--deadUnits", DEAD.get(i), "--iterations", Integer.toString(3 * WINDOW), "--window",
            Integer.toString(WINDOW), "--groundTruth", "gt" + i + ".json", "--hold"));
      }
      prometheus.waitFor("three trainers done", Duration.ofSeconds(180),
          () -> trainers.stream().allMatch(t -> alive(t) && t.done()), () -> tails(trainers));
      // Samples scraped after this instant show the trainers' final windows (they hold after training).
      double doneAt = System.currentTimeMillis() / 1000.0;

      // Discovery files: one per process, each naming its real port and its identity.
      List<Path> files = jsonFiles(targets);
      assertThat(files).as("discovery files in %s", targets).hasSize(TRAINERS);
      Map<String, String> portByTrial = new TreeMap<>();
      for (Path file : files) {
        JsonNode group = Dashboard.JSON.readTree(file.toFile());
        assertThat(group.size()).isEqualTo(1);
        String target = group.get(0).path("targets").get(0).asText();
        String trial = group.get(0).path("labels").path("trial").asText();
        assertThat(group.get(0).path("labels").path("sweep").asText()).isEqualTo("many");
        assertThat(target).startsWith("127.0.0.1:");
        portByTrial.put(trial, target);
      }
      assertThat(portByTrial).containsOnlyKeys("0", "1", "2");
      assertThat(portByTrial.values()).doesNotHaveDuplicates();
      for (TrainerJvm t : trainers) {
        String trial = t.name().substring("trial".length());
        assertThat(t.output()).as("%s prints the port it bound", t.name())
            .contains("deadunit: serving http://" + portByTrial.get(trial) + "/metrics");
      }

      prometheus.waitFor("all three discovered and up", Duration.ofSeconds(90), () -> {
        JsonNode up = prometheus.query("up{job=\"deadunit\",sweep=\"many\"} == 1");
        return up.size() == TRAINERS;
      }, () -> prometheus.query("up").toString());
      JsonNode up = prometheus.query("up{job=\"deadunit\",sweep=\"many\"}");
      Map<String, String> instanceByTrial = new TreeMap<>();
      up.forEach(s -> instanceByTrial.put(s.path("metric").path("trial").asText(),
          s.path("metric").path("instance").asText()));
      assertThat(instanceByTrial).as("each trainer scraped at the address in its own file").isEqualTo(portByTrial);

      // Every trainer's series carry its own identity, and its figures are its own ground truth.
      for (int i = 0; i < TRAINERS; i++) {
        Map<String, Integer> truth = trainers.get(i).groundTruthDead("gt" + i + ".json");
        int trial = i;
        Map<String, Integer> reported = new TreeMap<>();
        prometheus.waitFor("dead units of trial " + i + " scraped after training", Duration.ofSeconds(60), () -> {
          reported.clear();
          String series = "dl4j_layer_dead_units{job=\"deadunit\",sweep=\"many\",trial=\"" + trial + "\"}";
          boolean fresh = true;
          for (JsonNode s : prometheus.query("timestamp(" + series + ")")) {
            fresh &= LocalPrometheus.value(s) > doneAt; // the sample's scrape time
          }
          prometheus.query(series).forEach(
              s -> reported.put(s.path("metric").path("layer").asText(), (int) LocalPrometheus.value(s)));
          return fresh && reported.keySet().containsAll(truth.keySet());
        }, () -> "reported " + reported + ", ground truth " + truth);
        assertThat(reported).as("trial %s: dl4j_layer_dead_units vs ground truth", i)
            .containsAllEntriesOf(truth);
        System.out.printf("many-trainers: trial %d dead units %s (ground truth %s)%n", i, reported, truth);
      }
      assertThat(prometheus.query("count(dl4j_layer_dead_units{job=\"deadunit\",exported_trial!=\"\"})"))
          .as("honor_labels: the identity is not duplicated as exported_*").isEmpty();

      for (TrainerJvm t : trainers) {
        t.release();
      }
      for (TrainerJvm t : trainers) {
        assertThat(t.awaitExit(Duration.ofSeconds(60))).as("%s exit code\n%s", t.name(), t.tail()).isZero();
      }
      assertThat(jsonFiles(targets)).as("discovery files left after exit").isEmpty();
      try (Stream<Path> all = Files.list(targets)) {
        assertThat(all.collect(Collectors.toList())).as("nothing at all left in targetsDir").isEmpty();
      }
    } finally {
      trainers.forEach(TrainerJvm::close);
    }
    System.out.printf("many-trainers: %.1f s in all%n", (System.nanoTime() - started) / 1e9);
  }

  private static boolean alive(TrainerJvm t) {
    if (!t.process().isAlive()) {
      throw new AssertionError(t.name() + " exited with " + t.process().exitValue() + "\n" + t.tail());
    }
    return true;
  }

  private static String tails(List<TrainerJvm> trainers) {
    return trainers.stream().map(TrainerJvm::tail).collect(Collectors.joining("\n"));
  }

  private static List<Path> jsonFiles(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().collect(Collectors.toList());
    }
  }

  /** The shipped prometheus.yml's deadunit job (1 s scrapes), its file discovery pointed at {@code targets}. */
  private static Path config(Path work, Path targets) throws Exception {
    return ShippedScrapeConfig.onlyJob(work, "deadunit", job -> {
      for (JsonNode sd : job.path("file_sd_configs")) {
        ((ObjectNode) sd).putArray("files").add(targets.resolve("*.json").toString());
        ((ObjectNode) sd).put("refresh_interval", "5s");
      }
    });
  }
}
