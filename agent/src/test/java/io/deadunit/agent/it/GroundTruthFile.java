package io.deadunit.agent.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ground truth JSON a trainer writes with {@code --groundTruth FILE} (io.deadunit.examples.GroundTruth: a plain
 * DL4J listener, independent of the agent), with a tiny JSON reader (no dependency).
 */
final class GroundTruthFile {

    static final class Layer {
        final String name;
        final Map<String, Object> json;

        Layer(String name, Map<String, Object> json) {
            this.name = name;
            this.json = json;
        }

        int index() {
            return integer("index");
        }

        String type() {
            return (String) json.get("type");
        }

        String activation() {
            return (String) json.get("activation");
        }

        boolean output() {
            return Boolean.TRUE.equals(json.get("output"));
        }

        int units() {
            return integer("units");
        }

        int dead() {
            return integer("dead");
        }

        int saturated() {
            return integer("saturated");
        }

        int dormant(String tau) {
            return integer("dormant_" + tau);
        }

        double zeroRatio() {
            return number("zeroRatio");
        }

        double mean() {
            return number("mean");
        }

        double stddev() {
            return number("stddev");
        }

        boolean hasGradient() {
            return json.containsKey("zeroGradientUnits");
        }

        int zeroGradientUnits() {
            return integer("zeroGradientUnits");
        }

        double gradientNorm() {
            return number("gradientNorm");
        }

        double[] activity() {
            @SuppressWarnings("unchecked")
            List<Object> a = (List<Object>) json.get("activity");
            double[] out = new double[a.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = ((Number) a.get(i)).doubleValue();
            }
            return out;
        }

        int integer(String key) {
            Object v = json.get(key);
            if (!(v instanceof Number)) {
                throw new IllegalStateException("ground truth of " + name + " has no " + key + ": " + json);
            }
            return ((Number) v).intValue();
        }

        double number(String key) {
            Object v = json.get(key);
            return v == null ? Double.NaN : ((Number) v).doubleValue();
        }

        @Override
        public String toString() {
            Map<String, Object> brief = new LinkedHashMap<>(json);
            brief.remove("activity");
            return name + brief;
        }
    }

    private final Map<String, Object> root;
    private final Map<String, Layer> layers = new LinkedHashMap<>();

    private GroundTruthFile(Map<String, Object> root) {
        this.root = root;
        @SuppressWarnings("unchecked")
        Map<String, Object> ls = (Map<String, Object>) root.get("layers");
        for (Map.Entry<String, Object> e : ls.entrySet()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) e.getValue();
            layers.put(e.getKey(), new Layer(e.getKey(), m));
        }
    }

    static GroundTruthFile read(Path file) {
        try {
            String s = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
            @SuppressWarnings("unchecked")
            Map<String, Object> root = (Map<String, Object>) new Json(s).value();
            return new GroundTruthFile(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Forward passes (optimizer steps) the trainer saw. */
    int steps() {
        return ((Number) root.get("steps")).intValue();
    }

    /** model.score() after the last iteration (NaN if absent). */
    double score() {
        Object v = root.get("score");
        return v instanceof Number ? ((Number) v).doubleValue() : Double.NaN;
    }

    int window() {
        return ((Number) root.get("window")).intValue();
    }

    Map<String, Layer> layers() {
        return layers;
    }

    Layer layer(String name) {
        Layer l = layers.get(name);
        if (l == null) {
            throw new IllegalArgumentException("no layer " + name + " in ground truth: " + layers.keySet());
        }
        return l;
    }

    /** Minimal JSON reader: objects (insertion-ordered), arrays, strings, numbers (Double), booleans, null. */
    static final class Json {
        private final String s;
        private int i;

        Json(String s) {
            this.s = s;
        }

        Object value() {
            ws();
            char c = s.charAt(i);
            switch (c) {
                case '{':
                    return object();
                case '[':
                    return array();
                case '"':
                    return string();
                case 't':
                    expect("true");
                    return Boolean.TRUE;
                case 'f':
                    expect("false");
                    return Boolean.FALSE;
                case 'n':
                    expect("null");
                    return null;
                default:
                    return number();
            }
        }

        private Map<String, Object> object() {
            Map<String, Object> m = new LinkedHashMap<>();
            i++;
            ws();
            if (s.charAt(i) == '}') {
                i++;
                return m;
            }
            while (true) {
                ws();
                String k = string();
                ws();
                if (s.charAt(i++) != ':') {
                    throw error("':'");
                }
                m.put(k, value());
                ws();
                char c = s.charAt(i++);
                if (c == '}') {
                    return m;
                }
                if (c != ',') {
                    throw error("',' or '}'");
                }
            }
        }

        private List<Object> array() {
            List<Object> a = new ArrayList<>();
            i++;
            ws();
            if (s.charAt(i) == ']') {
                i++;
                return a;
            }
            while (true) {
                a.add(value());
                ws();
                char c = s.charAt(i++);
                if (c == ']') {
                    return a;
                }
                if (c != ',') {
                    throw error("',' or ']'");
                }
            }
        }

        private String string() {
            if (s.charAt(i) != '"') {
                throw error("string");
            }
            i++;
            StringBuilder sb = new StringBuilder();
            while (s.charAt(i) != '"') {
                char c = s.charAt(i++);
                if (c == '\\') {
                    char n = s.charAt(i++);
                    switch (n) {
                        case 'n':
                            sb.append('\n');
                            break;
                        case 't':
                            sb.append('\t');
                            break;
                        case 'u':
                            sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                            i += 4;
                            break;
                        default:
                            sb.append(n);
                    }
                } else {
                    sb.append(c);
                }
            }
            i++;
            return sb.toString();
        }

        private Double number() {
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
            if (start == i) {
                throw error("value");
            }
            return Double.valueOf(s.substring(start, i));
        }

        private void expect(String word) {
            if (!s.startsWith(word, i)) {
                throw error(word);
            }
            i += word.length();
        }

        private void ws() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private IllegalArgumentException error(String expected) {
            return new IllegalArgumentException("JSON: expected " + expected + " at offset " + i);
        }
    }
}
