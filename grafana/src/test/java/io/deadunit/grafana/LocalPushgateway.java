package io.deadunit.grafana;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real Prometheus Pushgateway (Debian's prometheus-pushgateway, located or fetched by
 * grafana/tools/pushgateway.sh) on a free loopback port, without persistence. Fails, never skips, when it cannot be
 * had.
 */
final class LocalPushgateway extends LocalServer {
  private static Path binary;

  private LocalPushgateway(Path work, int port) throws IOException {
    // Debian's build persists to /var/lib/prometheus by default: in memory only here.
    super(work, "pushgateway.log", port, List.of(binary().toString(), "--web.listen-address=127.0.0.1:" + port,
        "--persistence.file="));
  }

  static synchronized Path binary() {
    if (binary == null) {
      Path script = Repo.grafana().resolve("tools/pushgateway.sh");
      Processes.Result r = Processes.run(Repo.grafana(), List.of("bash", script.toString()), 300);
      List<String> lines = r.output().lines().toList();
      String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1).strip();
      if (r.exitCode() != 0 || last.isEmpty() || !Files.isExecutable(Path.of(last))) {
        throw new AssertionError("grafana/tools/pushgateway.sh could not provide the Pushgateway (exit "
            + r.exitCode() + "):\n" + r.output());
      }
      binary = Path.of(last);
    }
    return binary;
  }

  static LocalPushgateway start(Path work) throws Exception {
    LocalPushgateway gateway = new LocalPushgateway(work, PrometheusEndToEndIT.freePort());
    gateway.awaitReady("the Pushgateway", Duration.ofSeconds(30));
    return gateway;
  }

  /** What Prometheus would scrape from it now (text format). */
  String metrics() {
    return get("/metrics").body();
  }
}
