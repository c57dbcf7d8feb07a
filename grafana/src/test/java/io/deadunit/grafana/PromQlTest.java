package io.deadunit.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PromQlTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiterString = " => ", value = {
      "up                                                                              => up",
      "dl4j_layer_units{job=~\"$job\",layer=~\"a|b\"}                                 => dl4j_layer_units",
      "sum by (le) (increase(x_bucket{le=\"0.1\"}[$__rate_interval]))                   => x_bucket",
      "sum(rate(a_total[5m])) by (instance) / on (job, instance) group_left (model) b => a_total,b",
      "count(ALERTS{alertname=~\"DeadUnit.*\"}) or vector(0)                           => ALERTS",
      "clamp_min(g{a=\"sum(x)\"}, 1e-12) and on(job) up == 1                           => g,up",
      "deadunit:layer:info{layer_index=~\".*1\"} * 1 or deadunit:layer:info * 0        => deadunit:layer:info",
      "x offset 5m unless y @ start()                                                  => x,y",
      "a - b bool > 0 unless ignoring(le) c                                            => a,b,c",
  })
  void listsTheSelectedMetrics(String expr, String expected) {
    assertThat(PromQl.metricNames(expr)).containsExactlyElementsOf(Arrays.asList(expected.split(",")));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiterString = " => ", value = {
      "rate(a[$__rate_interval])           => rate(a[30s])",
      "a{j=~\"$job\",k=~\"${job}\"}        => a{j=~\"deadunit\",k=~\"deadunit\"}",
      "a{j=~\"$jobs\"}                     => a{j=~\"$jobs\"}",
      "a[$__interval]                      => a[5s]",
  })
  void substitutesGrafanaVariables(String expr, String expected) {
    assertThat(Dashboard.substitute(expr, Map.of("job", "deadunit", "__rate_interval", "30s", "__interval", "5s")))
        .isEqualTo(expected);
  }
}
