package io.deadunit.grafana;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** A real Prometheus (grafana/tools/prometheus.sh) on a free port with a given configuration, for one test class. */
final class LocalPrometheus extends LocalServer {
  private LocalPrometheus(Path work, int port, Path config) throws IOException {
    super(work, "prometheus.log", port, List.of(PrometheusTools.prometheus().toString(), "--config.file=" + config,
        "--storage.tsdb.path=" + work.resolve("tsdb"), "--storage.tsdb.retention.time=1h",
        "--web.listen-address=127.0.0.1:" + port));
  }

  /** Checks {@code config} with promtool, starts Prometheus on it and waits until it is ready. */
  static LocalPrometheus start(Path work, Path config) throws Exception {
    Processes.Result check = PrometheusTools.promtool(work, "check", "config", config.toString());
    if (check.exitCode() != 0) {
      throw new AssertionError("promtool check config " + config + ":\n" + check.output() + "\n"
          + Files.readString(config));
    }
    LocalPrometheus prometheus = new LocalPrometheus(work, PrometheusEndToEndIT.freePort(), config);
    prometheus.awaitReady("Prometheus", Duration.ofSeconds(60));
    return prometheus;
  }

  /** The result vector of an instant query. */
  JsonNode query(String promql) {
    HttpResponse<String> r = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    try {
      JsonNode body = Dashboard.JSON.readTree(r.body());
      if (!"success".equals(body.path("status").asText())) {
        throw new AssertionError("query " + promql + " failed: " + r.body());
      }
      return body.path("data").path("result");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Polls every second; on time-out fails with {@code detail} and the tail of Prometheus' log. */
  void waitFor(String what, Duration timeout, BooleanSupplier condition, Supplier<String> detail)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      if (!isAlive()) {
        throw new AssertionError("prometheus exited with " + exitValue() + "\n" + tail());
      }
      try {
        if (condition.getAsBoolean()) {
          return;
        }
        last = null;
      } catch (UncheckedIOException e) {
        last = e;
      }
      Thread.sleep(1000);
    }
    throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what + " "
        + detail.get() + (last == null ? "" : " (last error: " + last + ")") + "\n" + tail());
  }

  static double value(JsonNode sample) {
    return Double.parseDouble(sample.path("value").get(1).asText());
  }
}
