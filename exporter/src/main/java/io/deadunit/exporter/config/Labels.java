package io.deadunit.exporter.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code labels} key: constant labels that say which process a series came from
 * ({@code labels=app:sweep-7;executor:3}). Names follow Prometheus' rules and may not collide with a label the
 * agent or Prometheus sets itself; values are names as for {@code model} (1 to 100 printable characters).
 */
public final class Labels {
    /** Most labels one process may add: identity, not a place for data. */
    public static final int MAX_LABELS = 10;
    /** Longest label name. */
    public static final int MAX_NAME_LENGTH = 64;
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    /** Labels the agent's own series carry, and those Prometheus sets on scrape or for histograms and summaries. */
    public static final Set<String> RESERVED = Set.of("model", "layer", "layer_index", "layer_type", "activation",
            "cause", "le", "quantile", "job", "instance");

    private Labels() {
    }

    /**
     * {@code key:value;key:value} to an ordered, unmodifiable map; {@link BadValue} naming the first bad part.
     * Whitespace around names and values is ignored; empty parts ({@code a:1;;b:2}) are skipped.
     */
    static Map<String, String> parse(String text) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (String part : text.split(";", -1)) {
            if (part.isBlank()) {
                continue;
            }
            int colon = part.indexOf(':');
            if (colon < 0) {
                throw new BadValue("'" + Values.shown(part.strip()) + "' is not name:value");
            }
            String name = part.substring(0, colon).strip();
            String value = part.substring(colon + 1).strip();
            if (labels.put(name, value) != null) {
                throw new BadValue("label " + Values.shown(name) + " is given twice");
            }
        }
        if (labels.isEmpty()) {
            throw new BadValue("no name:value pair");
        }
        return check(labels);
    }

    /** The labels to keep, in their order; {@link BadValue} naming the first bad label. */
    static Map<String, String> check(Map<String, String> labels) {
        if (labels.size() > MAX_LABELS) {
            throw new BadValue("at most " + MAX_LABELS + " labels, got " + labels.size());
        }
        for (Map.Entry<String, String> e : labels.entrySet()) {
            String name = e.getKey();
            if (name == null || name.length() > MAX_NAME_LENGTH || !LABEL_NAME.matcher(name).matches()) {
                throw new BadValue("label name '" + Values.shown(name) + "' must match [a-zA-Z_][a-zA-Z0-9_]*"
                        + " and have at most " + MAX_NAME_LENGTH + " characters");
            }
            if (name.startsWith("__") || RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
                throw new BadValue("label name '" + name + "' is reserved (names starting with __ and "
                        + String.join(", ", new java.util.TreeSet<>(RESERVED)) + ")");
            }
            try {
                Values.name(e.getValue(), false);
            } catch (IllegalArgumentException | NullPointerException bad) {
                throw new BadValue("label " + name + " needs a value of 1 to " + Values.MAX_NAME_LENGTH
                        + " printable characters");
            }
        }
        return Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }

    /** Renders labels the way the key is written: {@code app:sweep-7;executor:3}. */
    public static String format(Map<String, String> labels) {
        StringBuilder sb = new StringBuilder();
        labels.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ";").append(k).append(':').append(v));
        return sb.toString();
    }
}
