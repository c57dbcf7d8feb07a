package io.deadunit.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Structure of grafana/dashboards/deadunit.json. */
class DashboardTest {
  private static final String DATASOURCE = "${datasource}";
  private final Dashboard dashboard = Dashboard.load();
  private final MetricContract contract = MetricContract.load();

  @Test
  void isACurrentDashboardModelWithAStableUid() {
    assertThat(dashboard.root.path("schemaVersion").asInt()).isGreaterThanOrEqualTo(39);
    assertThat(dashboard.root.path("uid").asText()).isEqualTo("deadunit");
    assertThat(dashboard.root.path("title").asText()).isNotBlank();
    assertThat(dashboard.root.path("id").isNull() || dashboard.root.path("id").isMissingNode())
        .as("id must be null so the dashboard imports anywhere").isTrue();
    assertThat(dashboard.root.has("__inputs")).as("datasource comes from a variable, not import inputs").isFalse();
  }

  @Test
  void hasTheFourRowsInOrder() {
    assertThat(dashboard.rows()).extracting(r -> r.path("title").asText())
        .containsExactly("Overview", "Layers", "Gradients", "Agent", "Cluster");
  }

  @Test
  void panelIdsAreUnique() {
    List<Integer> ids = dashboard.allPanels().stream().map(p -> p.path("id").asInt(-1)).toList();
    assertThat(ids).doesNotContain(-1).doesNotHaveDuplicates();
  }

  @Test
  void panelsDoNotOverlap() {
    List<JsonNode> panels = dashboard.allPanels();
    List<String> overlaps = new ArrayList<>();
    for (int i = 0; i < panels.size(); i++) {
      for (int j = i + 1; j < panels.size(); j++) {
        JsonNode a = panels.get(i).path("gridPos");
        JsonNode b = panels.get(j).path("gridPos");
        boolean apart = a.path("x").asInt() + a.path("w").asInt() <= b.path("x").asInt()
            || b.path("x").asInt() + b.path("w").asInt() <= a.path("x").asInt()
            || a.path("y").asInt() + a.path("h").asInt() <= b.path("y").asInt()
            || b.path("y").asInt() + b.path("h").asInt() <= a.path("y").asInt();
        if (!apart) {
          overlaps.add(panels.get(i).path("title").asText() + " / " + panels.get(j).path("title").asText());
        }
      }
      JsonNode g = panels.get(i).path("gridPos");
      assertThat(g.path("x").asInt() + g.path("w").asInt()).as("width of %s", panels.get(i).path("title")).isLessThanOrEqualTo(24);
    }
    assertThat(overlaps).isEmpty();
  }

  @Test
  void everyPanelAndTargetUsesTheDatasourceVariable() {
    List<String> wrong = new ArrayList<>();
    for (JsonNode p : dashboard.dataPanels()) {
      if (!isDatasourceVariable(p.path("datasource"))) {
        wrong.add("panel " + p.path("title").asText() + ": " + p.path("datasource"));
      }
      assertThat(p.path("targets").size()).as("targets of %s", p.path("title").asText()).isPositive();
      for (JsonNode t : p.path("targets")) {
        if (!isDatasourceVariable(t.path("datasource"))) {
          wrong.add("target " + p.path("title").asText() + "/" + t.path("refId").asText() + ": " + t.path("datasource"));
        }
      }
    }
    for (JsonNode v : dashboard.variableNodes()) {
      if ("query".equals(v.path("type").asText()) && !isDatasourceVariable(v.path("datasource"))) {
        wrong.add("variable " + v.path("name").asText() + ": " + v.path("datasource"));
      }
    }
    assertThat(wrong).isEmpty();
    assertThat(dashboard.root.toString().replace("\"uid\":\"${datasource}\"", ""))
        .as("no other reference to a concrete datasource uid").doesNotContainPattern("\"datasource\":\"[^$]");
  }

  private static boolean isDatasourceVariable(JsonNode ds) {
    return ds.isObject() && DATASOURCE.equals(ds.path("uid").asText()) && "prometheus".equals(ds.path("type").asText());
  }

  @Test
  void everyPanelHasTitleOneLineDescriptionAndUnit() {
    List<String> missing = new ArrayList<>();
    for (JsonNode p : dashboard.dataPanels()) {
      String title = p.path("title").asText();
      String description = p.path("description").asText();
      if (title.isBlank()) {
        missing.add("panel " + p.path("id") + " has no title");
      }
      if (description.isBlank() || description.contains("\n")) {
        missing.add(title + ": description must be one non-empty line");
      }
      if (p.path("fieldConfig").path("defaults").path("unit").asText().isBlank()) {
        missing.add(title + ": no fieldConfig.defaults.unit");
      }
    }
    for (JsonNode r : dashboard.rows()) {
      if (r.path("title").asText().isBlank()) {
        missing.add("row " + r.path("id") + " has no title");
      }
    }
    assertThat(missing).isEmpty();
  }

  @Test
  void refIdsAreUniqueWithinAPanelAndEveryTargetHasAQuery() {
    for (JsonNode p : dashboard.dataPanels()) {
      Set<String> refIds = new HashSet<>();
      for (JsonNode t : p.path("targets")) {
        assertThat(refIds.add(t.path("refId").asText())).as("refId %s of %s", t.path("refId"), p.path("title")).isTrue();
        assertThat(t.path("expr").asText()).as("expr of %s", p.path("title")).isNotBlank();
      }
    }
  }

  @Test
  void everyQueriedMetricIsDocumentedOrABuiltin() {
    Set<String> allowed = contract.seriesNames();
    List<String> unknown = new ArrayList<>();
    for (Dashboard.Query q : dashboard.queries()) {
      Set<String> names = PromQl.metricNames(q.expr());
      assertThat(names).as("metrics of %s", q).isNotEmpty();
      names.stream().filter(n -> !allowed.contains(n)).forEach(n -> unknown.add(n + " in " + q));
    }
    for (Dashboard.Variable v : dashboard.queryVariables()) {
      PromQl.metricNames(v.selector()).stream().filter(n -> !allowed.contains(n))
          .forEach(n -> unknown.add(n + " in variable " + v.name()));
    }
    assertThat(unknown).as("metric names not in docs/metrics.md and not Prometheus built-ins").isEmpty();
  }

  @Test
  void everyDocumentedMetricIsShown() {
    Set<String> used = new TreeSet<>();
    dashboard.queries().forEach(q -> PromQl.metricNames(q.expr()).forEach(n -> used.add(String.valueOf(contract.metricOf(n)))));
    dashboard.queryVariables().forEach(v -> PromQl.metricNames(v.selector()).forEach(n -> used.add(String.valueOf(contract.metricOf(n)))));
    assertThat(used).containsAll(contract.documented().keySet());
  }

  @Test
  void agentMetricSelectorsFilterOnTheVariables() {
    List<String> unfiltered = new ArrayList<>();
    for (Dashboard.Query q : dashboard.queries()) {
      for (String name : PromQl.metricNames(q.expr())) {
        String metric = contract.metricOf(name);
        List<String> required = metric == null ? List.of("job=~\"$job\"")
            : metric.startsWith("dl4j_") ? List.of("job=~\"$job\"", "instance=~\"$instance\"", "app=~\"$app\"",
                "executor=~\"$executor\"", "model=~\"$model\"")
            : List.of("job=~\"$job\"", "instance=~\"$instance\"", "app=~\"$app\"", "executor=~\"$executor\"");
        for (String selector : PromQl.selectorsOf(name, q.expr())) {
          required.stream().filter(r -> !selector.contains(r)).forEach(r -> unfiltered.add(name + " lacks " + r + " in " + q));
        }
      }
    }
    assertThat(unfiltered).isEmpty();
  }

  @Test
  void layerPanelsFilterOnTheLayerVariable() {
    List<String> unfiltered = new ArrayList<>();
    Set<String> overviewStats = Set.of("Layers with every unit dead", "Non-finite values");
    for (Dashboard.Query q : dashboard.queries()) {
      if (overviewStats.contains(q.panelTitle())) {
        continue; // counts over all layers on purpose: a dead layer must not hide behind the layer filter
      }
      for (String name : PromQl.metricNames(q.expr())) {
        if (name.startsWith("dl4j_layer_")) {
          PromQl.selectorsOf(name, q.expr()).stream().filter(s -> !s.contains("layer=~\"$layer\""))
              .forEach(s -> unfiltered.add(name + " in " + q));
        }
      }
    }
    assertThat(unfiltered).isEmpty();
  }

  @Test
  void hasTheVariables() {
    assertThat(dashboard.variableNodes()).extracting(v -> v.path("name").asText())
        .containsExactly("datasource", "job", "app", "executor", "instance", "model", "layer");
    JsonNode ds = dashboard.variable("datasource");
    assertThat(ds.path("type").asText()).isEqualTo("datasource");
    assertThat(ds.path("query").asText()).isEqualTo("prometheus");
    // The identity labels (labels=app:...;executor:..., the Spark pattern): All must also match series without
    // them (a trainer started without labels), hence the explicit .* rather than Grafana's list of values.
    for (String identity : List.of("app", "executor")) {
      JsonNode v = dashboard.variable(identity);
      assertThat(v.path("allValue").asText()).as("allValue of %s", identity).isEqualTo(".*");
      assertThat(v.path("includeAll").asBoolean()).isTrue();
    }
    JsonNode layer = dashboard.variable("layer");
    assertThat(layer.path("multi").asBoolean()).isTrue();
    assertThat(layer.path("includeAll").asBoolean()).isTrue();
    for (Dashboard.Variable v : dashboard.queryVariables()) {
      assertThat(v.label()).isEqualTo(v.name());
    }
  }

  @Test
  void requiredPanelsArePresent() {
    List<String> titles = dashboard.dataPanels().stream().map(p -> p.path("title").asText()).toList();
    assertThat(titles).contains(
        "Training iterations/s", "Model score", "Layers with every unit dead", "Dead-unit ratio per layer",
        "Non-finite values", "Alerts firing", "Dead units", "Saturated units", "Activation mean ± stddev",
        "Zero fraction", "Gradient norm per layer (log scale)", "Zero-gradient units", "Scrape duration",
        "Agent errors");
    assertThat(titles).anyMatch(t -> t.startsWith("Dormant units"));
    assertThat(titles).anyMatch(t -> t.startsWith("Agent overhead"));
    assertThat(dashboard.dataPanels().stream().filter(p -> "heatmap".equals(p.path("type").asText())))
        .as("heatmaps of dead ratio and of unit activity").hasSize(2);

    JsonNode deadStat = panel("Layers with every unit dead");
    assertThat(deadStat.path("type").asText()).isEqualTo("stat");
    JsonNode steps = deadStat.path("fieldConfig").path("defaults").path("thresholds").path("steps");
    assertThat(steps.get(steps.size() - 1).path("color").asText()).isEqualTo("red");
    assertThat(steps.get(steps.size() - 1).path("value").asDouble()).isGreaterThan(0).isLessThanOrEqualTo(1);

    JsonNode gradient = panel("Gradient norm per layer (log scale)");
    assertThat(gradient.path("fieldConfig").path("defaults").path("custom").path("scaleDistribution").path("type").asText())
        .isEqualTo("log");
    assertThat(panel("Alerts firing").path("targets").get(0).path("expr").asText()).contains("ALERTS{");
    assertThat(panel("Agent overhead (seconds per second)").path("targets").get(0).path("expr").asText())
        .contains("rate(deadunit_agent_overhead_seconds_total");
    assertThat(panel("Scrape duration").path("targets").get(0).path("expr").asText()).contains("scrape_duration_seconds{");
  }

  @Test
  void queriesThatMayHaveNoSeriesOnAHealthySystemFallBackToZero() {
    for (String title : List.of("Layers with every unit dead", "Non-finite values", "Alerts firing", "Targets down", "Agent errors")) {
      for (JsonNode t : panel(title).path("targets")) {
        assertThat(t.path("expr").asText()).as(title).endsWith("or vector(0)");
      }
    }
  }

  private JsonNode panel(String title) {
    return dashboard.dataPanels().stream().filter(p -> title.equals(p.path("title").asText())).findFirst()
        .orElseThrow(() -> new AssertionError("no panel " + title));
  }
}
