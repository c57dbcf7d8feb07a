package io.deadunit.grafana;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real Prometheus Pushgateway (Debian's prometheus-pushgateway, located or fetched by
 * grafana/tools/pushgateway.sh) on a free loopback port, without persistence. Fails, never skips, when it cannot be
 * had.
 */
final class LocalPushgateway implements AutoCloseable {
  private static Path binary;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Process process;
  private final Path log;
  private final int port;

  private LocalPushgateway(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
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
    int port = PrometheusEndToEndIT.freePort();
    Path log = work.resolve("pushgateway.log");
    // Debian's build persists to /var/lib/prometheus by default: in memory only here.
    Process p = new ProcessBuilder(binary().toString(), "--web.listen-address=127.0.0.1:" + port,
        "--persistence.file=")
        .directory(work.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    LocalPushgateway gateway = new LocalPushgateway(p, log, port);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        if (gateway.get("/-/ready").statusCode() == 200) {
          return gateway;
        }
      } catch (IOException e) {
        // not listening yet
      }
      if (!p.isAlive() || System.nanoTime() > deadline) {
        gateway.close();
        throw new AssertionError("the Pushgateway did not get ready\n" + Processes.tail(log, 30));
      }
      Thread.sleep(200);
    }
  }

  /** {@code 127.0.0.1:<port>}, as a scrape target. */
  String address() {
    return "127.0.0.1:" + port;
  }

  String url() {
    return "http://" + address();
  }

  /** What Prometheus would scrape from it now (text format). */
  String metrics() throws IOException, InterruptedException {
    return get("/metrics").body();
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  String tail() {
    return Processes.tail(log, 30);
  }

  @Override
  public void close() {
    Processes.stop(process);
  }
}
