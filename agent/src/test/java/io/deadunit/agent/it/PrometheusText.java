package io.deadunit.agent.it;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Samples of a Prometheus text exposition (format 0.0.4; comments and blank lines skipped). */
/** Public so that other modules' ITs (spark) parse scrapes with the same code. */
public final class PrometheusText {

    public static final class Sample {
        final String name;
        final Map<String, String> labels;
        final double value;

        Sample(String name, Map<String, String> labels, double value) {
            this.name = name;
            this.labels = labels;
            this.value = value;
        }

        public String label(String key) {
            return labels.get(key);
        }

        public boolean matches(String name, Map<String, String> subset) {
            if (!this.name.equals(name)) {
                return false;
            }
            for (Map.Entry<String, String> e : subset.entrySet()) {
                if (!e.getValue().equals(labels.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String toString() {
            return name + new TreeMap<>(labels) + " " + value;
        }
    }

    private final List<Sample> samples;
    private final String text;

    private PrometheusText(List<Sample> samples, String text) {
        this.samples = samples;
        this.text = text;
    }

    public static PrometheusText parse(String text) {
        List<Sample> out = new ArrayList<>();
        int lineNo = 0;
        for (String line : text.split("\\R")) {
            lineNo++;
            String l = line.trim();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            try {
                out.add(parseLine(l));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("line " + lineNo + " is not a sample: " + line, e);
            }
        }
        return new PrometheusText(Collections.unmodifiableList(out), text);
    }

    private static Sample parseLine(String l) {
        int i = 0;
        while (i < l.length() && l.charAt(i) != '{' && l.charAt(i) != ' ' && l.charAt(i) != '\t') {
            i++;
        }
        String name = l.substring(0, i);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < l.length() && l.charAt(i) == '{') {
            i++;
            while (true) {
                while (l.charAt(i) == ' ' || l.charAt(i) == ',') {
                    i++;
                }
                if (l.charAt(i) == '}') {
                    i++;
                    break;
                }
                int eq = l.indexOf('=', i);
                String key = l.substring(i, eq).trim();
                i = eq + 1;
                if (l.charAt(i) != '"') {
                    throw new IllegalArgumentException("expected '\"' at " + i);
                }
                i++;
                StringBuilder v = new StringBuilder();
                while (l.charAt(i) != '"') {
                    char c = l.charAt(i);
                    if (c == '\\') {
                        char n = l.charAt(++i);
                        v.append(n == 'n' ? '\n' : n);
                    } else {
                        v.append(c);
                    }
                    i++;
                }
                i++;
                labels.put(key, v.toString());
            }
        }
        String[] rest = l.substring(i).trim().split("\\s+");
        return new Sample(name, Collections.unmodifiableMap(labels), parseValue(rest[0]));
    }

    public static double parseValue(String v) {
        switch (v) {
            case "NaN":
                return Double.NaN;
            case "+Inf":
            case "Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            default:
                return Double.parseDouble(v);
        }
    }

    public List<Sample> samples() {
        return samples;
    }

    public String text() {
        return text;
    }

    /** Samples named {@code name} whose labels include {@code labels}. */
    public List<Sample> find(String name, Map<String, String> labels) {
        return samples.stream().filter(s -> s.matches(name, labels)).collect(Collectors.toList());
    }

    public List<Sample> find(String name) {
        return find(name, Map.of());
    }

    public boolean has(String name, Map<String, String> labels) {
        return !find(name, labels).isEmpty();
    }

    /** The value of the single sample named {@code name} with these labels; fails if none or several match. */
    public double value(String name, Map<String, String> labels) {
        List<Sample> found = find(name, labels);
        if (found.size() != 1) {
            throw new AssertionError((found.isEmpty() ? "no sample " : found.size() + " samples ") + name + labels
                    + (found.isEmpty() ? "; samples named " + name + ": " + find(name) : ": " + found));
        }
        return found.get(0).value;
    }

    public OptionalDouble optionalValue(String name, Map<String, String> labels) {
        List<Sample> found = find(name, labels);
        if (found.size() > 1) {
            throw new AssertionError(found.size() + " samples " + name + labels + ": " + found);
        }
        return found.isEmpty() ? OptionalDouble.empty() : OptionalDouble.of(found.get(0).value);
    }

    /** The {@code model} label of the model with the most training iterations (the one a trainer trains). */
    public Optional<String> trainedModel() {
        return find("dl4j_training_iterations_total").stream()
                .max((a, b) -> Double.compare(a.value, b.value))
                .map(s -> s.label("model"));
    }

    /** Distinct values of {@code label} among samples named {@code name} (with these labels). */
    public List<String> labelValues(String name, Map<String, String> labels, String label) {
        return find(name, labels).stream().map(s -> s.label(label)).distinct().collect(Collectors.toList());
    }

    @Override
    public String toString() {
        return samples.size() + " samples";
    }
}
