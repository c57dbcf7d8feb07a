package io.deadunit.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MetricContractTest {
  @Test
  void readsEveryMetricTableOfTheDoc() {
    MetricContract c = MetricContract.load();
    assertThat(c.documented()).containsEntry("dl4j_layer_dead_units", "gauge")
        .containsEntry("dl4j_layer_unit_activity", "histogram")
        .containsEntry("dl4j_training_iterations_total", "counter")
        .containsEntry("deadunit_agent_overhead_seconds_total", "counter")
        .doesNotContainKey("model");
    assertThat(c.seriesNames()).contains("dl4j_layer_unit_activity_bucket", "up", "ALERTS")
        .doesNotContain("dl4j_layer_unit_activity");
  }

  @Test
  void ignoresTablesThatAreNotMetricTables() {
    MetricContract c = MetricContract.parse(List.of(
        "| label | meaning |", "|---|---|", "| `model` | x |", "",
        "| name | type | meaning |", "|---|---|---|", "| `a_total` | counter | x |", "| `h` | histogram | y |"));
    assertThat(c.documented()).containsOnlyKeys("a_total", "h");
    assertThat(c.metricOf("h_bucket")).isEqualTo("h");
    assertThat(c.metricOf("a_total_bucket")).isNull();
  }
}
