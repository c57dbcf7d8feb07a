package io.deadunit.grafana;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names of docs/metrics.md: every Markdown table whose header's first column is {@code name} lists one
 * metric per row, as {@code | `name` | type | ...}. Histograms contribute their {@code _bucket}, {@code _sum} and
 * {@code _count} series.
 */
final class MetricContract {
  /** Series every Prometheus server produces itself (per target or for its own alerts). */
  static final Set<String> PROMETHEUS_BUILTINS = Set.of(
      "up", "ALERTS", "ALERTS_FOR_STATE", "scrape_duration_seconds", "scrape_samples_scraped",
      "scrape_samples_post_metric_relabeling", "scrape_series_added",
      // the Pushgateway's own per-group series (pushgateway= pushes, scraped through its job)
      "push_time_seconds", "push_failure_time_seconds");

  private static final Pattern ROW = Pattern.compile("^\\|\\s*`([a-zA-Z_:][a-zA-Z0-9_:]*)`\\s*\\|\\s*([a-z]+)\\s*\\|");
  private static final Pattern HEADER = Pattern.compile("^\\|\\s*name\\s*\\|\\s*type\\s*\\|");

  private final Map<String, String> types;

  private MetricContract(Map<String, String> types) {
    this.types = types;
  }

  static MetricContract load() {
    return load(Repo.metricsDoc());
  }

  static MetricContract load(Path doc) {
    try {
      return parse(Files.readAllLines(doc));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static MetricContract parse(List<String> lines) {
    Map<String, String> types = new LinkedHashMap<>();
    boolean inMetricTable = false;
    for (String line : lines) {
      String l = line.strip();
      if (!l.startsWith("|")) {
        inMetricTable = false;
        continue;
      }
      if (HEADER.matcher(l).find()) {
        inMetricTable = true;
        continue;
      }
      if (!inMetricTable) {
        continue;
      }
      Matcher m = ROW.matcher(l);
      if (m.find()) {
        types.put(m.group(1), m.group(2));
      }
    }
    return new MetricContract(types);
  }

  /** Documented metric names with their type (gauge, counter, histogram). */
  Map<String, String> documented() {
    return types;
  }

  /** Every series name a query may use: documented names, histogram series, and Prometheus built-ins. */
  Set<String> seriesNames() {
    Set<String> names = new TreeSet<>(PROMETHEUS_BUILTINS);
    types.forEach((name, type) -> {
      if (type.equals("histogram")) {
        names.add(name + "_bucket");
        names.add(name + "_sum");
        names.add(name + "_count");
      } else {
        names.add(name);
      }
    });
    return names;
  }

  /** The documented metric a series belongs to ({@code x_bucket} of histogram {@code x} gives {@code x}). */
  String metricOf(String series) {
    if (types.containsKey(series)) {
      return series;
    }
    for (String suffix : List.of("_bucket", "_sum", "_count")) {
      if (series.endsWith(suffix)) {
        String base = series.substring(0, series.length() - suffix.length());
        if ("histogram".equals(types.get(base))) {
          return base;
        }
      }
    }
    return null;
  }
}
