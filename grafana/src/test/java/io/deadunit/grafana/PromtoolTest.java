package io.deadunit.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** promtool's own checks of the configuration and rules, and the rule unit tests. */
class PromtoolTest {
  @Test
  void configIsValidAndFindsItsRulesAndTargets() {
    Processes.Result r = PrometheusTools.promtool(Repo.prometheusDir(), "check", "config", "prometheus.yml");
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output()).contains("SUCCESS: 1 rule files found").contains("is valid prometheus config file syntax");
  }

  @Test
  void rulesAreValid() {
    Processes.Result r = PrometheusTools.promtool(Repo.prometheusDir(), "check", "rules", "rules/deadunit.rules.yml");
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output()).contains("SUCCESS");
  }

  @Test
  void ruleUnitTestsPass() {
    Processes.Result r = PrometheusTools.promtool(Repo.prometheusDir(), "test", "rules", "rules/deadunit.rules.test.yml");
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output()).contains("SUCCESS").doesNotContain("FAILED");
  }

  @Test
  void promtoolReallyChecks() {
    // guards against a promtool stand-in that accepts anything
    Processes.Result r = PrometheusTools.promtool(Repo.prometheusDir(), "check", "rules", "prometheus.yml");
    assertThat(r.exitCode()).as(r.output()).isNotZero();
  }
}
