package io.deadunit.grafana;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths of the checkout, from the system properties the pom sets (falls back to the module's parent directory). */
final class Repo {
  private Repo() {}

  static Path root() {
    String prop = System.getProperty("deadunit.repo");
    Path root = (prop == null || prop.isBlank() ? Path.of("..") : Path.of(prop)).toAbsolutePath().normalize();
    if (!Files.isRegularFile(root.resolve("docs/metrics.md"))) {
      throw new IllegalStateException("not the deadunit repository root (no docs/metrics.md): " + root
          + "; run through Maven or set -Ddeadunit.repo=<checkout>");
    }
    return root;
  }

  static Path grafana() {
    return root().resolve("grafana");
  }

  static Path dashboard() {
    return grafana().resolve("dashboards/deadunit.json");
  }

  static Path prometheusDir() {
    return grafana().resolve("prometheus");
  }

  static Path rules() {
    return prometheusDir().resolve("rules/deadunit.rules.yml");
  }

  static Path ruleTests() {
    return prometheusDir().resolve("rules/deadunit.rules.test.yml");
  }

  static Path metricsDoc() {
    return root().resolve("docs/metrics.md");
  }

  /** This module's target/ directory. */
  static Path buildDir() {
    String prop = System.getProperty("deadunit.buildDir");
    return (prop == null || prop.isBlank() ? grafana().resolve("target") : Path.of(prop)).toAbsolutePath().normalize();
  }
}
