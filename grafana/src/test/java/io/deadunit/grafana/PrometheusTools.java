package io.deadunit.grafana;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code prometheus} and {@code promtool} binaries, located (or fetched) by grafana/tools/prometheus.sh. When
 * they cannot be had the tests fail with the script's message: they never skip.
 */
final class PrometheusTools {
  private PrometheusTools() {}

  private static Path binDir;

  static synchronized Path binDir() {
    if (binDir == null) {
      Path script = Repo.grafana().resolve("tools/prometheus.sh");
      Processes.Result r = Processes.run(Repo.grafana(), List.of("bash", script.toString()), 300);
      List<String> lines = r.output().lines().toList();
      String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1).strip();
      if (r.exitCode() != 0 || last.isEmpty() || !Files.isDirectory(Path.of(last))) {
        throw new AssertionError("grafana/tools/prometheus.sh could not provide prometheus and promtool (exit "
            + r.exitCode() + "):\n" + r.output());
      }
      binDir = Path.of(last);
    }
    return binDir;
  }

  static Path prometheus() {
    return binDir().resolve("prometheus");
  }

  /** Runs promtool with {@code args} in {@code dir}. */
  static Processes.Result promtool(Path dir, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(binDir().resolve("promtool").toString());
    cmd.addAll(List.of(args));
    return Processes.run(dir, cmd, 120);
  }
}
