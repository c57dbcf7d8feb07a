package io.deadunit.grafana;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A server binary of the Prometheus family (Prometheus, Pushgateway) run for a test on a free loopback port, its
 * output in a log file of the work directory: start, wait for {@code /-/ready}, GET, stop.
 */
abstract class LocalServer implements AutoCloseable {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Process process;
  private final Path log;
  private final int port;

  /** Starts {@code command} (which listens on {@code port}) in {@code work}, its output to {@code work/logName}. */
  LocalServer(Path work, String logName, int port, List<String> command) throws IOException {
    this.log = work.resolve(logName);
    this.port = port;
    this.process = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
  }

  /** Polls {@code /-/ready} until it answers 200; on exit or time-out stops the server and fails with its log. */
  final void awaitReady(String what, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        if (get("/-/ready").statusCode() == 200) {
          return;
        }
      } catch (UncheckedIOException e) {
        // not listening yet
      }
      if (!process.isAlive() || System.nanoTime() > deadline) {
        String state = process.isAlive() ? "not ready after " + timeout.toSeconds() + " s"
            : "exited with " + process.exitValue();
        close();
        throw new AssertionError(what + " " + state + "\n" + tail());
      }
      Thread.sleep(200);
    }
  }

  /** {@code 127.0.0.1:<port>}, as a scrape target. */
  final String address() {
    return "127.0.0.1:" + port;
  }

  final String url() {
    return "http://" + address();
  }

  final boolean isAlive() {
    return process.isAlive();
  }

  final int exitValue() {
    return process.exitValue();
  }

  /** GET {@code path}; an I/O failure (not listening, cut connection) as {@link UncheckedIOException}. */
  final HttpResponse<String> get(String path) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The last 30 lines of the server's log. */
  final String tail() {
    return Processes.tail(log, 30);
  }

  @Override
  public void close() {
    Processes.stop(process);
  }
}
