package io.deadunit.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Structure of the alert rules and of their promtool tests (promtool itself runs in PromtoolTest). */
class AlertRulesTest {
  static final List<String> REQUIRED_ALERTS = List.of(
      "DeadUnitLayerFullyDead", "DeadUnitRatioHighAndRising", "DeadUnitSaturatedUnitsHigh",
      "DeadUnitVanishingGradient", "DeadUnitNonFiniteValues", "DeadUnitTrainingStalled", "DeadUnitTargetDown",
      "DeadUnitLayerDeadOnMostExecutors");
  /** Alerts about one layer must name model and layer; about a model, the model; TargetDown the instance. */
  static final Set<String> MODEL_ALERTS = Set.of("DeadUnitTrainingStalled");
  static final Set<String> TARGET_ALERTS = Set.of("DeadUnitTargetDown");
  /** Alerts aggregated over the executors of an application name the application and the layer, not one JVM. */
  static final Set<String> CLUSTER_ALERTS = Set.of("DeadUnitLayerDeadOnMostExecutors");

  private final JsonNode rules = Yaml.read(Repo.rules());

  private Map<String, JsonNode> alerts() {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    for (JsonNode group : rules.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        if (rule.has("alert")) {
          assertThat(out.put(rule.path("alert").asText(), rule)).as("duplicate alert %s", rule.path("alert")).isNull();
        }
      }
    }
    return out;
  }

  @Test
  void everyRequiredAlertExists() {
    assertThat(alerts().keySet()).containsExactlyInAnyOrderElementsOf(REQUIRED_ALERTS);
  }

  @Test
  void everyAlertHasSeveritySummaryAndDescriptionNamingWhatItConcerns() {
    List<String> problems = new ArrayList<>();
    alerts().forEach((name, rule) -> {
      String severity = rule.path("labels").path("severity").asText();
      if (!Set.of("critical", "warning", "info").contains(severity)) {
        problems.add(name + ": severity '" + severity + "'");
      }
      String summary = rule.path("annotations").path("summary").asText();
      String description = rule.path("annotations").path("description").asText();
      if (summary.isBlank() || description.isBlank()) {
        problems.add(name + ": summary and description are required");
      }
      List<String> mustName = TARGET_ALERTS.contains(name) ? List.of("$labels.instance")
          : CLUSTER_ALERTS.contains(name) ? List.of("$labels.app", "$labels.layer")
          : MODEL_ALERTS.contains(name) ? List.of("$labels.model", "$labels.instance")
          : List.of("$labels.model", "$labels.layer", "$labels.instance");
      for (String label : mustName) {
        if (!description.contains(label)) {
          problems.add(name + ": description does not name " + label);
        }
      }
      for (String label : mustName.subList(0, Math.min(2, mustName.size()))) {
        if (!label.equals("$labels.instance") && !summary.contains(label)) {
          problems.add(name + ": summary does not name " + label);
        }
      }
    });
    assertThat(problems).isEmpty();
  }

  @Test
  void fullyDeadLayerFiresWithinAMinuteOfEvidence() {
    // The end-to-end test must see it firing within ~90 s of the first dead window (1 s scrapes and evaluations).
    assertThat(duration(alerts().get("DeadUnitLayerFullyDead").path("for").asText())).isEqualTo(Duration.ofMinutes(1));
    for (JsonNode rule : alerts().values()) {
      assertThat(duration(rule.path("for").asText("0s"))).as("for: of %s", rule.path("alert"))
          .isLessThanOrEqualTo(Duration.ofMinutes(15));
    }
  }

  @Test
  void thresholdsAreJustifiedInTheFile() throws Exception {
    String text = java.nio.file.Files.readString(Repo.rules());
    for (String alert : REQUIRED_ALERTS) {
      assertThat(text).as("comment justifying %s", alert).containsPattern("(?m)^#\\s+" + alert + "\\s+\\S");
    }
  }

  @Test
  void expressionsUseOnlyDocumentedMetricsAndTheirOwnRecordings() {
    Set<String> allowed = new TreeSet<>(MetricContract.load().seriesNames());
    List<String> unknown = new ArrayList<>();
    for (JsonNode group : rules.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        for (String name : PromQl.metricNames(rule.path("expr").asText())) {
          if (!allowed.contains(name)) {
            unknown.add(name + " in " + rule.path(rule.has("alert") ? "alert" : "record").asText());
          }
        }
        if (rule.has("record")) {
          allowed.add(rule.path("record").asText()); // usable by the rules after it
        }
      }
    }
    assertThat(unknown).isEmpty();
  }

  @Test
  void dashboardAlertsPanelMatchesEveryAlert() {
    String expr = Dashboard.load().queries().stream().map(Dashboard.Query::expr).filter(e -> e.contains("ALERTS{"))
        .findFirst().orElseThrow();
    Matcher m = Pattern.compile("alertname=~\"([^\"]+)\"").matcher(expr);
    assertThat(m.find()).as("alertname matcher in %s", expr).isTrue();
    Pattern names = Pattern.compile(m.group(1));
    assertThat(alerts().keySet()).allMatch(a -> names.matcher(a).matches());
  }

  @Test
  void ruleTestsCoverEveryAlertFiringAndNotFiring() {
    JsonNode tests = Yaml.read(Repo.ruleTests());
    assertThat(tests.path("rule_files")).extracting(JsonNode::asText).containsExactly("deadunit.rules.yml");
    Map<String, int[]> cases = new HashMap<>(); // alert -> {firing cases, silent cases}
    for (JsonNode test : tests.path("tests")) {
      for (JsonNode t : test.path("alert_rule_test")) {
        int[] c = cases.computeIfAbsent(t.path("alertname").asText(), k -> new int[2]);
        c[t.path("exp_alerts").size() > 0 ? 0 : 1]++;
      }
    }
    List<String> missing = new ArrayList<>();
    for (String alert : REQUIRED_ALERTS) {
      int[] c = cases.getOrDefault(alert, new int[2]);
      if (c[0] == 0) {
        missing.add(alert + " never expected to fire");
      }
      if (c[1] == 0) {
        missing.add(alert + " never expected to stay silent");
      }
    }
    assertThat(missing).isEmpty();
  }

  static Duration duration(String promDuration) {
    Matcher m = Pattern.compile("(\\d+)(ms|s|m|h|d)").matcher(promDuration);
    Duration d = Duration.ZERO;
    int end = 0;
    while (m.find()) {
      assertThat(m.start()).as("duration %s", promDuration).isEqualTo(end);
      end = m.end();
      long n = Long.parseLong(m.group(1));
      d = d.plus(switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      });
    }
    assertThat(end).as("duration %s", promDuration).isEqualTo(promDuration.length());
    return d;
  }
}
