package io.deadunit.grafana;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The dashboard JSON model, read strictly (duplicate keys are errors). */
final class Dashboard {
  static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  /** A query of a panel. */
  record Query(String panelTitle, String refId, String expr, boolean instant, JsonNode target) {
    @Override
    public String toString() {
      return panelTitle + " [" + refId + "]: " + expr;
    }
  }

  /** A query variable: {@code label_values(selector, label)}. */
  record Variable(String name, String selector, String label, JsonNode node) {}

  private static final Pattern LABEL_VALUES = Pattern.compile("^\\s*label_values\\((.*),\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*\\)\\s*$");

  final JsonNode root;

  private Dashboard(JsonNode root) {
    this.root = root;
  }

  static Dashboard load() {
    return load(Repo.dashboard());
  }

  static Dashboard load(Path file) {
    try {
      return new Dashboard(JSON.readTree(file.toFile()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** Every panel, rows included, with the panels of collapsed rows. */
  List<JsonNode> allPanels() {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode p : root.path("panels")) {
      out.add(p);
      for (JsonNode child : p.path("panels")) {
        out.add(child);
      }
    }
    return out;
  }

  /** Panels that show data (everything but rows). */
  List<JsonNode> dataPanels() {
    return allPanels().stream().filter(p -> !"row".equals(p.path("type").asText())).toList();
  }

  List<JsonNode> rows() {
    return allPanels().stream().filter(p -> "row".equals(p.path("type").asText())).toList();
  }

  List<Query> queries() {
    List<Query> out = new ArrayList<>();
    for (JsonNode p : dataPanels()) {
      for (JsonNode t : p.path("targets")) {
        out.add(new Query(p.path("title").asText(), t.path("refId").asText(), t.path("expr").asText(),
            t.path("instant").asBoolean(false), t));
      }
    }
    return out;
  }

  List<JsonNode> variableNodes() {
    List<JsonNode> out = new ArrayList<>();
    root.path("templating").path("list").forEach(out::add);
    return out;
  }

  JsonNode variable(String name) {
    return variableNodes().stream().filter(v -> name.equals(v.path("name").asText())).findFirst().orElse(null);
  }

  /** The query variables, in dashboard order (each may use the ones before it). */
  List<Variable> queryVariables() {
    List<Variable> out = new ArrayList<>();
    for (JsonNode v : variableNodes()) {
      if (!"query".equals(v.path("type").asText())) {
        continue;
      }
      JsonNode q = v.path("query");
      String text = q.isTextual() ? q.asText() : q.path("query").asText();
      Matcher m = LABEL_VALUES.matcher(text);
      if (!m.matches()) {
        throw new IllegalStateException("variable " + v.path("name").asText() + " is not label_values(selector, label): " + text);
      }
      out.add(new Variable(v.path("name").asText(), m.group(1).strip(), m.group(2), v));
    }
    return out;
  }

  /** Replaces Grafana's variables in a query: {@code $name}, {@code ${name}}, {@code [[name]]}. */
  static String substitute(String expr, Map<String, String> values) {
    String out = expr;
    // longest names first, so $__rate_interval is not taken for $__rate
    List<String> names = values.keySet().stream().sorted((a, b) -> b.length() - a.length()).toList();
    for (String name : names) {
      String v = Matcher.quoteReplacement(values.get(name));
      out = out.replaceAll("\\$\\{" + Pattern.quote(name) + "(?::[A-Za-z]+)?\\}", v)
          .replaceAll("\\[\\[" + Pattern.quote(name) + "\\]\\]", v)
          .replaceAll("\\$" + Pattern.quote(name) + "(?![A-Za-z0-9_])", v);
    }
    return out;
  }
}
