package io.deadunit.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The truth: two DeadLayerTrainer JVMs under the real agent jar (one healthy, one whose layer "hidden1" is killed),
 * a real Prometheus with the shipped configuration (1 s scrape and evaluation intervals) and rules, then through
 * Prometheus's HTTP API: the documented metrics exist for both trainers, DeadUnitLayerFullyDead fires for the
 * killed trainer only, and every query of every dashboard panel returns data.
 *
 * <p>Needs agent/target/deadunit-agent.jar and examples/target/{classes,classpath.txt}; fails when they are
 * missing. Every process it starts is stopped in {@link #stopAll()} (and by a shutdown hook as a backstop).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PrometheusEndToEndIT {
  private static final String TRAINER = "io.deadunit.examples.DeadLayerTrainer";
  /** The layer DeadLayerTrainer --deadUnits all kills (see its javadoc). */
  private static final String KILLED_LAYER = "hidden1";
  private static final String ALERT = "DeadUnitLayerFullyDead";
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(180);
  /** for: 1m plus slack: the rule file promises FIRING within ~90 s of the first dead window. */
  private static final Duration FIRING_AFTER_EVIDENCE = Duration.ofSeconds(90);

  private static final List<Process> PROCESSES = new CopyOnWriteArrayList<>();
  private static final Map<Process, String> NAMES = new java.util.concurrent.ConcurrentHashMap<>();
  private static final Thread SHUTDOWN_HOOK = new Thread(PrometheusEndToEndIT::stopAllNow, "deadunit-e2e-cleanup");

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Dashboard dashboard = Dashboard.load();

  private Path work;
  private String prometheusUrl;
  private String healthy;
  private String dead;
  private Path prometheusLog;
  private final Map<String, Path> trainerLogs = new LinkedHashMap<>();
  private long prometheusStartedNanos;
  private long targetsUpNanos;

  @BeforeAll
  void start() throws Exception {
    Runtime.getRuntime().addShutdownHook(SHUTDOWN_HOOK);
    Path repo = Repo.root();
    Path agentJar = repo.resolve("agent/target/deadunit-agent.jar");
    Path classes = repo.resolve("examples/target/classes");
    Path classpathFile = repo.resolve("examples/target/classpath.txt");
    Path trainerClass = classes.resolve(TRAINER.replace('.', '/') + ".class");
    for (Path required : List.of(agentJar, classpathFile, trainerClass)) {
      if (!Files.exists(required)) {
        throw new AssertionError("missing " + required + ": package the agent and examples modules first "
            + "(mvn -B package -DskipTests -pl agent,examples -am)");
      }
    }
    Path prometheusBinary = PrometheusTools.prometheus();

    work = Repo.buildDir().resolve("e2e");
    deleteRecursively(work);
    Files.createDirectories(work.resolve("targets"));

    // Other builds may rewrite agent/target and examples/target while the trainers run, and a JVM reads its
    // -javaagent jar and class path lazily: run from a private copy.
    agentJar = copyAgentJar(agentJar, work.resolve("deadunit-agent.jar"));
    classes = copyTree(classes, work.resolve("examples-classes"));

    int healthyPort = freePort();
    int deadPort = freePort();
    int prometheusPort = freePort();
    healthy = "127.0.0.1:" + healthyPort;
    dead = "127.0.0.1:" + deadPort;
    String classpath = classes + ":" + Files.readString(classpathFile).strip();
    startTrainer("healthy", agentJar, classpath, healthyPort, "0");
    startTrainer("dead", agentJar, classpath, deadPort, "all");

    ArrayNode targets = Dashboard.JSON.createArrayNode();
    // app and executor: the two trainers also stand for two executors of one cluster job (identity given as target
    // labels, one of the ways docs/spark.md describes), so the cluster rules and the dashboard's Cluster row get data.
    targets.addObject().<ObjectNode>set("targets", Dashboard.JSON.createArrayNode().add(healthy))
        .putObject("labels").put("trainer", "healthy").put("app", "e2e").put("executor", "0");
    targets.addObject().<ObjectNode>set("targets", Dashboard.JSON.createArrayNode().add(dead))
        .putObject("labels").put("trainer", "dead").put("app", "e2e").put("executor", "1");
    Dashboard.JSON.writerWithDefaultPrettyPrinter().writeValue(work.resolve("targets/trainers.json").toFile(), targets);

    Path config = writeTestConfig();
    Processes.Result check = PrometheusTools.promtool(work, "check", "config", config.toString());
    assertThat(check.exitCode()).as("promtool check config of the test copy:\n%s", check.output()).isZero();

    prometheusLog = work.resolve("prometheus.log");
    prometheusUrl = "http://127.0.0.1:" + prometheusPort;
    prometheusStartedNanos = System.nanoTime();
    Process prometheus = new ProcessBuilder(prometheusBinary.toString(),
        "--config.file=" + config,
        "--storage.tsdb.path=" + work.resolve("tsdb"),
        "--storage.tsdb.retention.time=1h",
        "--web.listen-address=127.0.0.1:" + prometheusPort)
        .directory(work.toFile()).redirectErrorStream(true).redirectOutput(prometheusLog.toFile()).start();
    PROCESSES.add(prometheus);
    NAMES.put(prometheus, "prometheus");

    waitFor("Prometheus ready", Duration.ofSeconds(60), () -> get("/-/ready").statusCode() == 200);
    waitFor("both trainers scraped with up == 1", STARTUP_TIMEOUT, () -> {
      Map<String, Double> up = valuesByInstance(query("up{job=\"deadunit\"}"));
      return Double.valueOf(1).equals(up.get(healthy)) && Double.valueOf(1).equals(up.get(dead));
    });
    targetsUpNanos = System.nanoTime();
    System.out.printf("e2e: both targets up %.1f s after Prometheus started%n", seconds(prometheusStartedNanos, targetsUpNanos));
  }

  /** Copies the agent jar, retrying while it is being rewritten (it must open as a jar with a Premain-Class). */
  static Path copyAgentJar(Path jar, Path copy) throws IOException, InterruptedException {
    IOException last = null;
    for (int attempt = 0; attempt < 10; attempt++) {
      try {
        Files.copy(jar, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (java.util.jar.JarFile j = new java.util.jar.JarFile(copy.toFile())) {
          if (j.getManifest() != null && j.getManifest().getMainAttributes().getValue("Premain-Class") != null) {
            return copy;
          }
          last = new IOException("no Premain-Class in the manifest of " + jar);
        }
      } catch (IOException e) {
        last = e;
      }
      Thread.sleep(3000);
    }
    throw new AssertionError("cannot copy a complete agent jar from " + jar, last);
  }

  static Path copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    return to;
  }

  /** prometheus.yml with 1 s intervals, absolute rule paths, the test's targets, and only the deadunit job. */
  private Path writeTestConfig() throws IOException {
    ObjectNode config = (ObjectNode) Yaml.read(Repo.prometheusDir().resolve("prometheus.yml"));
    ObjectNode global = (ObjectNode) config.get("global");
    global.put("scrape_interval", "1s").put("evaluation_interval", "1s").put("scrape_timeout", "1s");
    ArrayNode ruleFiles = config.putArray("rule_files");
    for (JsonNode pattern : Yaml.read(Repo.prometheusDir().resolve("prometheus.yml")).path("rule_files")) {
      ruleFiles.add(Repo.prometheusDir().resolve(pattern.asText()).toString());
    }
    ArrayNode jobs = config.putArray("scrape_configs");
    for (JsonNode job : Yaml.read(Repo.prometheusDir().resolve("prometheus.yml")).path("scrape_configs")) {
      if ("deadunit".equals(job.path("job_name").asText())) {
        ObjectNode copy = job.deepCopy();
        for (JsonNode sd : copy.path("file_sd_configs")) {
          ((ObjectNode) sd).putArray("files").add(work.resolve("targets/*.json").toString());
          ((ObjectNode) sd).put("refresh_interval", "5s");
        }
        jobs.add(copy);
      }
    }
    assertThat(jobs.size()).as("scrape job deadunit with file_sd_configs in prometheus.yml").isEqualTo(1);
    Path out = work.resolve("prometheus.yml");
    Yaml.MAPPER.writeValue(out.toFile(), config);
    return out;
  }

  private void startTrainer(String name, Path agentJar, String classpath, int port, String deadUnits) throws IOException {
    Path log = work.resolve("trainer-" + name + ".log");
    trainerLogs.put(name, log);
    ProcessBuilder pb = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g",
        "-javaagent:" + agentJar + "=port=" + port + ",sampleEvery=1,window=10",
        "-cp", classpath, TRAINER, "--deadUnits", deadUnits, "--seconds", "0")
        .directory(work.toFile()).redirectErrorStream(true).redirectOutput(log.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    // two trainers share the machine with Prometheus: keep each to one native thread
    pb.environment().put("OMP_NUM_THREADS", "1");
    Process p = pb.start();
    PROCESSES.add(p);
    NAMES.put(p, "trainer " + name + " (" + TRAINER + " --deadUnits " + deadUnits + ")");
  }

  @AfterAll
  void stopAll() {
    stopAllNow();
    try {
      Runtime.getRuntime().removeShutdownHook(SHUTDOWN_HOOK);
    } catch (IllegalStateException ignored) {
      // JVM already shutting down
    }
  }

  private static void stopAllNow() {
    for (Process p : PROCESSES) {
      Processes.stop(p);
    }
    PROCESSES.clear();
    NAMES.clear();
  }

  @Test
  @Order(1)
  void agentPublishesTheDocumentedMetricsForBothTrainers() throws Exception {
    MetricContract contract = MetricContract.load();
    // the first windows close after 10 iterations; give every meter time to appear
    List<String> missing = new ArrayList<>();
    waitFor("every documented metric for both trainers", Duration.ofSeconds(60), () -> {
      missing.clear();
      contract.documented().forEach((metric, type) -> {
        String series = type.equals("histogram") ? metric + "_bucket" : metric;
        Set<String> instances = valuesByInstance(query("count by (instance) (" + series + "{job=\"deadunit\"})")).keySet();
        for (String instance : List.of(healthy, dead)) {
          if (!instances.contains(instance)) {
            missing.add(series + " on " + instance);
          }
        }
      });
      return missing.isEmpty();
    }, () -> "missing: " + missing);

    List<String> badLabels = new ArrayList<>();
    for (String label : List.of("model", "layer", "layer_index", "layer_type", "activation")) {
      JsonNode r = query("count({__name__=~\"dl4j_layer_.+|dl4j_nonfinite_values_total\",job=\"deadunit\"," + label + "=\"\"})");
      if (r.size() > 0) {
        badLabels.add("layer series without label " + label + ": " + r);
      }
    }
    for (String metric : List.of("dl4j_training_iterations_total", "dl4j_model_score")) {
      if (query("count(" + metric + "{job=\"deadunit\",model=\"\"})").size() > 0) {
        badLabels.add(metric + " without label model");
      }
    }
    assertThat(badLabels).isEmpty();
    assertThat(labelValues(query("count by (tau) (dl4j_layer_dormant_units{job=\"deadunit\"})"), "tau"))
        .containsExactlyInAnyOrder("0.025", "0.1");
    assertThat(labelValues(query("count by (phase) (dl4j_nonfinite_values_total{job=\"deadunit\"})"), "phase"))
        .isSubsetOf("forward", "backward");
    assertThat(labelValues(query("dl4j_layer_dead_units_ratio{instance=\"" + dead + "\"} >= 1"), "layer"))
        .as("fully dead layers of the killed trainer").contains(KILLED_LAYER);
    assertThat(query("dl4j_layer_dead_units_ratio{instance=\"" + healthy + "\"} >= 1"))
        .as("fully dead layers of the healthy trainer").isEmpty();
  }

  @Test
  @Order(2)
  void fullyDeadLayerAlertFiresForTheKilledTrainerOnly() throws Exception {
    String deadExpr = "dl4j_layer_dead_units_ratio{instance=\"" + dead + "\"} >= 1";
    long evidence = -1;
    long pending = -1;
    long firing = -1;
    List<String> healthyAlerts = new ArrayList<>();
    long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline && firing < 0) {
      long now = System.nanoTime();
      if (evidence < 0 && query(deadExpr).size() > 0) {
        evidence = now;
      }
      for (JsonNode a : getJson("/api/v1/alerts").path("data").path("alerts")) {
        if (!ALERT.equals(a.path("labels").path("alertname").asText())) {
          continue;
        }
        String instance = a.path("labels").path("instance").asText();
        String state = a.path("state").asText();
        if (instance.equals(healthy)) {
          healthyAlerts.add(state + " " + a.path("labels"));
        } else if (instance.equals(dead)) {
          if (pending < 0) {
            pending = now;
          }
          if (state.equals("firing") && firing < 0) {
            firing = now;
          }
        }
      }
      assertProcessesAlive();
      Thread.sleep(1000);
    }
    System.out.printf("e2e: %s: dead layer visible %.1f s, pending %.1f s, firing %.1f s after both targets were up "
            + "(firing %.1f s after the first dead window)%n", ALERT, seconds(targetsUpNanos, evidence),
        seconds(targetsUpNanos, pending), seconds(targetsUpNanos, firing), seconds(evidence, firing));

    assertThat(evidence).as("%s never true for the killed trainer\n%s", deadExpr, logs()).isPositive();
    assertThat(firing).as("%s not firing for %s within %s\n%s", ALERT, dead, STARTUP_TIMEOUT, logs()).isPositive();
    assertThat(Duration.ofNanos(firing - evidence)).as("FIRING after the first dead window")
        .isLessThanOrEqualTo(FIRING_AFTER_EVIDENCE);
    assertThat(Duration.ofNanos(firing - pending)).as("for: 1m honoured").isGreaterThanOrEqualTo(Duration.ofSeconds(55));
    assertThat(healthyAlerts).as("%s for the healthy trainer", ALERT).isEmpty();

    // the same through ALERTS, and the rule's expression itself
    assertThat(labelValues(query("ALERTS{alertname=\"" + ALERT + "\",alertstate=\"firing\",instance=\"" + dead + "\"}"), "layer"))
        .contains(KILLED_LAYER);
    assertThat(query("ALERTS{alertname=\"" + ALERT + "\",instance=\"" + healthy + "\"}")).isEmpty();
    String ruleExpr = ruleExpression(ALERT);
    assertThat(query("(" + ruleExpr + ") and on (instance) up{instance=\"" + dead + "\"}")).isNotEmpty();
    assertThat(query("(" + ruleExpr + ") and on (instance) up{instance=\"" + healthy + "\"}")).isEmpty();
  }

  @Test
  @Order(3)
  void everyDashboardQueryReturnsData() throws Exception {
    Map<String, String> vars = resolveVariables();
    System.out.println("e2e: dashboard variables " + vars);
    List<String> empty = new ArrayList<>();
    List<Dashboard.Query> queries = dashboard.queries();
    for (Dashboard.Query q : queries) {
      String expr = Dashboard.substitute(q.expr(), vars);
      assertThat(expr).as("unsubstituted variable in %s", q).doesNotContain("$");
      List<String> problems = new ArrayList<>();
      // a query may need a few more scrapes (rates over 30 s); give each up to 30 s
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      do {
        problems.clear();
        JsonNode instant = query(expr);
        if (instant.size() == 0) {
          problems.add("instant query empty");
        }
        if (!q.instant()) {
          JsonNode range = queryRange(expr, Duration.ofSeconds(60), Duration.ofSeconds(5));
          if (range.size() == 0) {
            problems.add("range query (last 60 s) empty");
          }
        }
        if (!problems.isEmpty()) {
          Thread.sleep(1000);
        }
      } while (!problems.isEmpty() && System.nanoTime() < deadline);
      if (!problems.isEmpty()) {
        empty.add(q + " -> " + expr + ": " + problems);
      }
    }
    System.out.println("e2e: " + (queries.size() - empty.size()) + " of " + queries.size() + " dashboard queries returned data");
    assertThat(empty).as("dashboard queries without data").isEmpty();
  }

  @Test
  @Order(4)
  void overviewStatsTellTheTwoTrainersApart() throws Exception {
    Map<String, String> vars = new LinkedHashMap<>(resolveVariables());
    String fullyDead = panelExpr("Layers with every unit dead");
    vars.put("instance", regexOf(List.of(dead)));
    assertThat(singleValue(query(Dashboard.substitute(fullyDead, vars)))).as("fully dead layers, killed trainer")
        .isGreaterThanOrEqualTo(1);
    vars.put("instance", regexOf(List.of(healthy)));
    assertThat(singleValue(query(Dashboard.substitute(fullyDead, vars)))).as("fully dead layers, healthy trainer")
        .isEqualTo(0);
    assertThat(singleValue(query(Dashboard.substitute(panelExpr("Alerts firing"), vars)))).as("alerts firing")
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  @Order(5)
  void everyRuleEvaluatesCleanlyAndTheVanishingGradientRuleFindsTheLayerBelowTheDeadOne() {
    List<String> unhealthy = new ArrayList<>();
    int rules = 0;
    for (JsonNode group : getJson("/api/v1/rules").path("data").path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        rules++;
        if (!"ok".equals(rule.path("health").asText()) || !rule.path("lastError").asText("").isEmpty()) {
          unhealthy.add(rule.path("name").asText() + ": " + rule.path("health").asText() + " " + rule.path("lastError").asText(""));
        }
      }
    }
    int expected = 0;
    for (JsonNode group : Yaml.read(Repo.rules()).path("groups")) {
      expected += group.path("rules").size();
    }
    assertThat(rules).as("rules loaded").isEqualTo(expected);
    assertThat(unhealthy).isEmpty();

    // --deadUnits all: hidden1 passes no gradient down, so hidden0 gets exactly 0 while hidden2 above gets plenty
    String vanishing = ruleExpression("DeadUnitVanishingGradient");
    assertThat(labelValues(query("(" + vanishing + ") and on (instance) up{instance=\"" + dead + "\"}"), "layer"))
        .as("vanishing-gradient layers of the killed trainer").contains("hidden0").doesNotContain("hidden2", "output");
    assertThat(query("(" + vanishing + ") and on (instance) up{instance=\"" + healthy + "\"}"))
        .as("vanishing-gradient layers of the healthy trainer").isEmpty();
  }

  // ------------------------------------------------------------------------------------------ variables

  /** Grafana's variables: label_values() through the series API, multi-values as an escaped alternation. */
  private Map<String, String> resolveVariables() {
    Map<String, String> vars = new LinkedHashMap<>();
    vars.put("__rate_interval", "30s");
    vars.put("__interval", "5s");
    vars.put("__range", "5m");
    for (Dashboard.Variable v : dashboard.queryVariables()) {
      String selector = Dashboard.substitute(v.selector(), vars);
      Set<String> values = new TreeSet<>();
      for (JsonNode series : getJson("/api/v1/series?match[]=" + encode(selector)
          + "&start=" + (System.currentTimeMillis() / 1000 - 600)).path("data")) {
        if (series.hasNonNull(v.label())) {
          values.add(series.path(v.label()).asText());
        }
      }
      assertThat(values).as("values of variable %s (%s)", v.name(), selector).isNotEmpty();
      if (v.name().equals("instance")) {
        assertThat(values).contains(healthy, dead);
        values.retainAll(Set.of(healthy, dead)); // only this test's trainers
      }
      vars.put(v.name(), v.node().path("multi").asBoolean() ? regexOf(values) : values.iterator().next());
    }
    return vars;
  }

  private static String regexOf(java.util.Collection<String> values) {
    String alternation = values.stream()
        .map(s -> s.replaceAll("([\\\\^$.|?*+()\\[\\]{}])", "\\\\\\\\$1"))
        .collect(Collectors.joining("|"));
    return values.size() == 1 ? alternation : "(" + alternation + ")";
  }

  private String panelExpr(String title) {
    return dashboard.queries().stream().filter(q -> q.panelTitle().equals(title)).findFirst()
        .orElseThrow(() -> new AssertionError("no panel " + title)).expr();
  }

  private static String ruleExpression(String alert) {
    for (JsonNode group : Yaml.read(Repo.rules()).path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        if (alert.equals(rule.path("alert").asText())) {
          return rule.path("expr").asText();
        }
      }
    }
    throw new AssertionError("no alert " + alert);
  }

  // ------------------------------------------------------------------------------------------ Prometheus API

  private JsonNode query(String promql) {
    JsonNode r = postJson("/api/v1/query", "query=" + encode(promql));
    return r.path("data").path("result");
  }

  private JsonNode queryRange(String promql, Duration back, Duration step) {
    long end = System.currentTimeMillis() / 1000;
    JsonNode r = postJson("/api/v1/query_range", "query=" + encode(promql) + "&start=" + (end - back.toSeconds())
        + "&end=" + end + "&step=" + step.toSeconds());
    return r.path("data").path("result");
  }

  private JsonNode postJson(String path, String form) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(prometheusUrl + path))
              .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/x-www-form-urlencoded")
              .POST(HttpRequest.BodyPublishers.ofString(form)).build(),
          HttpResponse.BodyHandlers.ofString());
      return parseApi(path + "?" + form, r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private JsonNode getJson(String pathAndQuery) {
    return parseApi(pathAndQuery, get(pathAndQuery));
  }

  private static JsonNode parseApi(String request, HttpResponse<String> r) {
    try {
      JsonNode body = Dashboard.JSON.readTree(r.body());
      if (r.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
        throw new AssertionError("Prometheus API " + request + " -> HTTP " + r.statusCode() + ": " + r.body());
      }
      return body;
    } catch (IOException e) {
      throw new AssertionError("Prometheus API " + request + " -> not JSON: " + r.body(), e);
    }
  }

  private HttpResponse<String> get(String pathAndQuery) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(prometheusUrl + pathAndQuery)).timeout(Duration.ofSeconds(30))
          .GET().build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static Map<String, Double> valuesByInstance(JsonNode result) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (JsonNode s : result) {
      out.put(s.path("metric").path("instance").asText(), Double.parseDouble(s.path("value").get(1).asText()));
    }
    return out;
  }

  private static Set<String> labelValues(JsonNode result, String label) {
    Set<String> out = new TreeSet<>();
    result.forEach(s -> out.add(s.path("metric").path(label).asText()));
    return out;
  }

  private static double singleValue(JsonNode result) {
    assertThat(result.size()).as("one series in %s", result).isEqualTo(1);
    return Double.parseDouble(result.get(0).path("value").get(1).asText());
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  // ------------------------------------------------------------------------------------------ plumbing

  private void waitFor(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
    waitFor(what, timeout, condition, () -> "");
  }

  private void waitFor(String what, Duration timeout, BooleanSupplier condition, java.util.function.Supplier<String> detail)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      assertProcessesAlive();
      try {
        if (condition.getAsBoolean()) {
          return;
        }
        last = null;
      } catch (UncheckedIOException e) {
        last = e; // Prometheus not listening yet
      }
      Thread.sleep(1000);
    }
    throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what + " " + detail.get()
        + (last == null ? "" : " (last error: " + last + ")") + "\n" + logs());
  }

  private void assertProcessesAlive() {
    for (Process p : PROCESSES) {
      if (!p.isAlive()) {
        throw new AssertionError(NAMES.getOrDefault(p, "process") + " exited with " + p.exitValue() + "\n" + logs());
      }
    }
  }

  private String logs() {
    StringBuilder sb = new StringBuilder();
    trainerLogs.values().forEach(l -> sb.append(Processes.tail(l, 25)).append('\n'));
    if (prometheusLog != null) {
      sb.append(Processes.tail(prometheusLog, 25));
    }
    return sb.toString();
  }

  /**
   * A port free now, below Linux's ephemeral range (32768-60999): a port the kernel hands out as free (port 0) lies
   * inside that range, where any outgoing connection (a scrape, Maven) may take it as its source port before the
   * process we pass it to binds it (seen once: "127.0.0.1:43131 is already in use").
   */
  static int freePort() throws IOException {
    java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = random.nextInt(20_000, 32_000);
      try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
        return s.getLocalPort();
      } catch (IOException taken) {
        // try another
      }
    }
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static double seconds(long fromNanos, long toNanos) {
    return fromNanos < 0 || toNanos < 0 ? Double.NaN : (toNanos - fromNanos) / 1e9;
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
