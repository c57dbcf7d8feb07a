package io.deadunit.grafana;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Running external commands from tests. */
final class Processes {
  private Processes() {}

  record Result(int exitCode, String output) {}

  /** Runs {@code command} in {@code dir} to completion (stdout and stderr merged), killing it after the timeout. */
  static Result run(Path dir, List<String> command, long timeoutSeconds) {
    try {
      Path out = Files.createTempFile("deadunit-cmd", ".log");
      try {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
            .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
          stop(p);
          throw new AssertionError("timed out after " + timeoutSeconds + " s: " + String.join(" ", command)
              + "\n" + Files.readString(out, StandardCharsets.UTF_8));
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted: " + command, e);
    }
  }

  /** Ends a process and everything it started: SIGTERM, then SIGKILL after 10 s. Never throws. */
  static void stop(Process p) {
    if (p == null) {
      return;
    }
    try {
      List<ProcessHandle> children = p.descendants().toList();
      p.destroy();
      children.forEach(ProcessHandle::destroy);
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
      children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      p.destroyForcibly();
    }
  }

  /** The last {@code lines} lines of a log file, for failure messages. */
  static String tail(Path file, int lines) {
    try {
      if (!Files.exists(file)) {
        return "(no " + file + ")";
      }
      List<String> all = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
      return "--- " + file + " (last " + Math.min(lines, all.size()) + " lines) ---\n"
          + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e + ")";
    }
  }
}
