package io.deadunit.grafana;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Just enough PromQL lexing to list the metric names a query selects. */
final class PromQl {
  private PromQl() {}

  private static final Set<String> KEYWORDS = Set.of(
      "and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset",
      "inf", "nan", "atan2", "start", "end",
      // aggregation operators, also written `sum by (x) (...)`
      "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk",
      "quantile", "limitk", "limit_ratio");
  /** Keywords followed by a parenthesised list of label names. */
  private static final Set<String> LABEL_LISTS = Set.of(
      "by", "without", "on", "ignoring", "group_left", "group_right");
  private static final Pattern TOKEN = Pattern.compile(
      "\"(?:\\\\.|[^\"\\\\])*\"|'(?:\\\\.|[^'\\\\])*'|`[^`]*`"   // strings
          + "|\\$\\{?[A-Za-z_][A-Za-z0-9_]*(?::[A-Za-z]+)?\\}?"       // Grafana variables
          + "|[A-Za-z_:][A-Za-z0-9_:]*"                             // identifiers
          + "|[0-9.][0-9A-Za-z.]*"                                  // numbers, durations
          + "|\\S");                                                 // punctuation, operators

  /** Metric names selected by {@code expr}, in order of appearance. */
  static Set<String> metricNames(String expr) {
    List<String> tokens = new ArrayList<>();
    Matcher m = TOKEN.matcher(expr.replaceAll("(?m)#.*$", ""));
    while (m.find()) {
      tokens.add(m.group());
    }
    Set<String> names = new LinkedHashSet<>();
    int braces = 0;
    int brackets = 0;
    boolean labelList = false;
    for (int i = 0; i < tokens.size(); i++) {
      String t = tokens.get(i);
      switch (t) {
        case "{" -> braces++;
        case "}" -> braces--;
        case "[" -> brackets++;
        case "]" -> brackets--;
        case ")" -> labelList = false;
        default -> { }
      }
      if (braces > 0 || brackets > 0 || labelList || !isIdentifier(t)) {
        continue;
      }
      String lower = t.toLowerCase(Locale.ROOT);
      String next = i + 1 < tokens.size() ? tokens.get(i + 1) : "";
      if (LABEL_LISTS.contains(lower)) {
        labelList = next.equals("(");
        continue;
      }
      if (KEYWORDS.contains(lower) || next.equals("(")) {
        continue; // keyword, function or aggregation
      }
      names.add(t);
    }
    return names;
  }

  /** Label matchers of each selector of {@code metric} in {@code expr} ("" for a bare name). */
  static List<String> selectorsOf(String metric, String expr) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile("(?<![A-Za-z0-9_:])" + Pattern.quote(metric) + "(?![A-Za-z0-9_:])\\s*(\\{([^}]*)\\})?")
        .matcher(expr);
    while (m.find()) {
      out.add(m.group(2) == null ? "" : m.group(2));
    }
    return out;
  }

  private static boolean isIdentifier(String t) {
    char c = t.charAt(0);
    return Character.isLetter(c) || c == '_' || c == ':';
  }
}
