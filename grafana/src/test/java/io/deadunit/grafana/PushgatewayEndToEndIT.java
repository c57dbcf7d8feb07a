package io.deadunit.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, jobs that end before a scrape: a real Pushgateway (Debian's prometheus-pushgateway,
 * grafana/tools/pushgateway.sh) scraped by a real Prometheus through the shipped {@code pushgateway} job, and two
 * DeadLayerTrainer JVMs under the real agent with {@code pushgateway=...} and their own {@code labels=}.
 *
 * <p>Trainer "final" pushes every hour, i.e. never before it is stopped: what Prometheus has of it can only come
 * from the push at exit, on SIGTERM. Trainer "periodic" pushes every second. Both land in job=deadunit, each in its
 * own group: their per-layer dead units (8 units of hidden1 forced dead in one of them) equal each one's own ground
 * truth, before and after the other's pushes, and no push failed.
 */
class PushgatewayEndToEndIT {
  private static final int WINDOW = 10;
  private static final String SERIES = "dl4j_layer_dead_units{job=\"deadunit\",app=\"pushit\",run=\"%s\"}";

  @Test
  void theLastWindowOfAJobStoppedBySigtermReachesPrometheusAndGroupsNeverOverwriteEachOther() throws Exception {
    long started = System.nanoTime();
    Path work = Repo.buildDir().resolve("pushgateway-e2e");
    PrometheusEndToEndIT.deleteRecursively(work);
    TrainerJvm.Setup setup = TrainerJvm.Setup.in(work);

    TrainerJvm last = null;
    TrainerJvm periodic = null;
    try (LocalPushgateway gateway = LocalPushgateway.start(work);
        LocalPrometheus prometheus = LocalPrometheus.start(work, config(work, gateway))) {
      last = trainer(setup, work, gateway, "final", 3600, "8");
      periodic = trainer(setup, work, gateway, "periodic", 1, "0");
      TrainerJvm a = last;
      TrainerJvm b = periodic;
      prometheus.waitFor("both trainers done", Duration.ofSeconds(180), () -> alive(a) && alive(b) && a.done()
          && b.done(), () -> a.tail() + "\n" + b.tail());
      // Pushes after this instant carry the trainers' final windows (they hold after training).
      double doneAt = System.currentTimeMillis() / 1000.0;
      Map<String, Integer> truthA = a.groundTruthDead("gt-final.json");
      Map<String, Integer> truthB = b.groundTruthDead("gt-periodic.json");
      // No verdict on the figures themselves (they depend on the CPU's kernels): each group is compared with its own
      // trainer's ground truth, and both groups must be there side by side.

      // The periodic trainer is in Prometheus through the Pushgateway; the other has pushed nothing yet.
      Map<String, Integer> seenB = waitForDead(prometheus, "periodic", truthB, doneAt);
      assertThat(seenB).as("periodic pushes vs ground truth").containsAllEntriesOf(truthB);
      assertThat(gateway.metrics()).as("nothing of trainer 'final' before its exit").doesNotContain("run=\"final\"");

      double stoppedAt = System.currentTimeMillis() / 1000.0;
      long sigterm = System.nanoTime();
      assertThat(a.process().isAlive()).as("trainer 'final' still holding before SIGTERM\n%s", a.tail()).isTrue();
      a.terminate();
      assertThat(a.awaitExit(Duration.ofSeconds(30))).as("exit status after SIGTERM\n%s", a.tail()).isEqualTo(143);
      System.out.printf("pushgateway-e2e: trainer 'final' exited %.1f s after SIGTERM%n",
          (System.nanoTime() - sigterm) / 1e9);

      Map<String, Integer> seenA = waitForDead(prometheus, "final", truthA, stoppedAt);
      assertThat(seenA).as("the push at SIGTERM vs ground truth").containsAllEntriesOf(truthA);
      JsonNode pushTime = prometheus.query("push_time_seconds{job=\"deadunit\",app=\"pushit\",run=\"final\"}");
      assertThat(pushTime).as("the group of trainer 'final'").hasSize(1);
      assertThat(LocalPrometheus.value(pushTime.get(0))).as("pushed at exit").isGreaterThanOrEqualTo(stoppedAt - 1);
      // The other group is untouched by that push.
      assertThat(waitForDead(prometheus, "periodic", truthB, stoppedAt)).containsAllEntriesOf(truthB);

      assertThat(b.process().isAlive()).as("trainer 'periodic' still holding before SIGTERM\n%s", b.tail()).isTrue();
      b.terminate();
      assertThat(b.awaitExit(Duration.ofSeconds(30))).as("exit status after SIGTERM\n%s", b.tail()).isEqualTo(143);
      for (String run : List.of("final", "periodic")) {
        JsonNode failures = prometheus.query(
            "deadunit_agent_push_failures_total{job=\"deadunit\",app=\"pushit\",run=\"" + run + "\"}");
        assertThat(failures).as("push failures of %s", run).hasSize(1);
        assertThat(LocalPrometheus.value(failures.get(0))).as("push failures of %s", run).isZero();
      }
      // Each layer series once per group: nothing was merged or duplicated, and honor_labels kept job=deadunit.
      assertThat(prometheus.query("count by (run) (dl4j_layer_dead_units{job=\"deadunit\",app=\"pushit\"})"))
          .hasSize(2);
      assertThat(prometheus.query("dl4j_layer_dead_units{exported_job!=\"\"}")).as("honor_labels").isEmpty();
      assertThat(prometheus.query("dl4j_layer_dead_units{job=\"pushgateway\"}")).as("honor_labels").isEmpty();
      assertThat(prometheus.query("dl4j_layer_dead_units{app=\"pushit\",instance!=\"\"}"))
          .as("pushed series carry no instance label (docs/many-jvms.md)").isEmpty();
      // The rules drop a stale pushed group with `unless ignoring(<the meter's own labels>)
      // deadunit:push_group:stale`: on these real series, with every group taken as stale, nothing may be left.
      assertThat(prometheus.query("dl4j_layer_dead_units_ratio{app=\"pushit\"}")).isNotEmpty();
      assertThat(prometheus.query("dl4j_layer_dead_units_ratio{app=\"pushit\"} unless ignoring (model, layer, "
          + "layer_index, layer_type, activation) (time() - push_time_seconds{job=\"deadunit\"} > -1)"))
          .as("every pushed layer series matches its group's push_time_seconds").isEmpty();
      assertThat(a.output() + b.output()).doesNotContain("cannot push");
    } finally {
      if (last != null) {
        last.close();
      }
      if (periodic != null) {
        periodic.close();
      }
    }
    System.out.printf("pushgateway-e2e: %.1f s in all%n", (System.nanoTime() - started) / 1e9);
  }

  private static TrainerJvm trainer(TrainerJvm.Setup setup, Path work, LocalPushgateway gateway, String run,
      int pushEvery, String dead) throws Exception {
    return TrainerJvm.start(setup, work, run,
        "port=0,pushgateway=" + gateway.url() + ",pushEvery=" + pushEvery + ",labels=app:pushit;run:" + run
            + ",sampleEvery=1,window=" + WINDOW + ",summary=false",
        "--deadUnits", dead, "--iterations", Integer.toString(3 * WINDOW), "--window", Integer.toString(WINDOW),
        "--groundTruth", "gt-" + run + ".json", "--hold");
  }

  /**
   * The per-layer dead units of one group as Prometheus scraped them from a push made after {@code after} (Unix
   * seconds): the group's push_time_seconds is later, and so is every layer sample's scrape time. Samples scraped
   * from the Pushgateway are stamped with the scrape time, not the push time, hence both conditions.
   */
  private static Map<String, Integer> waitForDead(LocalPrometheus prometheus, String run, Map<String, Integer> truth,
      double after) throws InterruptedException {
    Map<String, Integer> reported = new TreeMap<>();
    String group = "push_time_seconds{job=\"deadunit\",app=\"pushit\",run=\"" + run + "\"}";
    prometheus.waitFor("dead units of " + run + " pushed after " + after, Duration.ofSeconds(60), () -> {
      reported.clear();
      JsonNode pushed = prometheus.query(group);
      if (pushed.size() != 1 || LocalPrometheus.value(pushed.get(0)) < after) {
        return false;
      }
      double pushedAt = LocalPrometheus.value(pushed.get(0));
      boolean fresh = true;
      for (JsonNode s : prometheus.query("timestamp(" + String.format(SERIES, run) + ")")) {
        fresh &= LocalPrometheus.value(s) > pushedAt;
      }
      prometheus.query(String.format(SERIES, run)).forEach(
          s -> reported.put(s.path("metric").path("layer").asText(), (int) LocalPrometheus.value(s)));
      return fresh && reported.keySet().containsAll(truth.keySet());
    }, () -> "reported " + reported + ", ground truth " + truth);
    System.out.printf("pushgateway-e2e: %s dead units %s (ground truth %s)%n", run, reported, truth);
    return reported;
  }

  private static boolean alive(TrainerJvm t) {
    if (!t.process().isAlive()) {
      throw new AssertionError(t.name() + " exited with " + t.process().exitValue() + "\n" + t.tail());
    }
    return true;
  }

  /** The shipped prometheus.yml's pushgateway job (1 s scrapes), pointed at {@code gateway}. */
  private static Path config(Path work, LocalPushgateway gateway) throws Exception {
    return ShippedScrapeConfig.onlyJob(work, "pushgateway", job -> {
      assertThat(job.path("honor_labels").asBoolean()).as("honor_labels of the pushgateway job").isTrue();
      job.putArray("static_configs").addObject().putArray("targets").add(gateway.address());
    });
  }
}
