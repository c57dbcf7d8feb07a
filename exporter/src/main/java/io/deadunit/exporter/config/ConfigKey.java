package io.deadunit.exporter.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Every configuration key, each declared once: its spelling, value type (with the allowed range), default and a
 * one-line description. Everything else reads these: the parser ({@link ConfigParser}), {@link AgentConfig} (which
 * stores one value per key), the run-time setters ({@code Sampling}, the JMX control), the warnings, and the test
 * that holds README's configuration table to this list.
 *
 * <p>Adding a key: one constant here (with a {@link ValueType}, a new factory there if the kind of value is new:
 * {@link ValueType#of} takes the parser, the range check and how a value is written) and its README row. Code reads it with {@code config.get(ConfigKey.X)}. A rule that spans several keys (a pair
 * that must be set together) goes in {@link KeyGroups}.
 *
 * @param <T> the value's type; a key whose default is {@code null} is optional ("unset" by default)
 */
public final class ConfigKey<T> {
    private static final List<ConfigKey<?>> ALL = new ArrayList<>();

    public static final ConfigKey<Boolean> ENABLED = new ConfigKey<>("enabled", ValueType.bool(), true,
            "false: the agent does nothing, training runs untouched");
    public static final ConfigKey<String> HOST = new ConfigKey<>("host", ValueType.host(), "127.0.0.1",
            "address the metrics endpoint binds to");
    public static final ConfigKey<PortRange> PORT = new ConfigKey<>("port", ValueType.portRange(),
            PortRange.single(9404), "port of the metrics endpoint: one port, 0 (any free port) or a range (first free)");
    public static final ConfigKey<Integer> SAMPLE_EVERY = new ConfigKey<>("sampleEvery",
            ValueType.wholeNumber(1, 1_000_000), 10, "observe every k-th training iteration");
    public static final ConfigKey<Integer> WINDOW = new ConfigKey<>("window", ValueType.wholeNumber(1, 1_000_000),
            100, "window length in training iterations");
    public static final ConfigKey<Phases> PHASES = new ConfigKey<>("phases", ValueType.phases(),
            new Phases(true, false), "phases observed: train, inference or both");
    public static final ConfigKey<String> MODEL = new ConfigKey<>("model", ValueType.name(false), null,
            "model label of the first model; unset, models are named by kind and order");
    public static final ConfigKey<Boolean> SUMMARY = new ConfigKey<>("summary", ValueType.bool(), true,
            "per-layer summary on stderr at exit");
    public static final ConfigKey<Integer> MAX_LAYERS = new ConfigKey<>("maxLayers",
            ValueType.wholeNumber(1, 100_000), 1000, "most layers given their own meters");
    public static final ConfigKey<Boolean> JMX = new ConfigKey<>("jmx", ValueType.bool(), true,
            "also publish the meters and the control MBean over JMX");
    public static final ConfigKey<String> USER = new ConfigKey<>("user", ValueType.name(true), null,
            "basic-auth user of the metrics endpoint; needs passwordFile");
    public static final ConfigKey<Path> PASSWORD_FILE = new ConfigKey<>("passwordFile",
            ValueType.readableFile("the path of a readable file holding the password"), null,
            "file holding the basic-auth password");
    public static final ConfigKey<Path> KEYSTORE = new ConfigKey<>("keystore",
            ValueType.readableFile("the path of a readable PKCS12 or JKS keystore"), null,
            "keystore from which the endpoint serves HTTPS; needs keystorePasswordFile");
    public static final ConfigKey<Path> KEYSTORE_PASSWORD_FILE = new ConfigKey<>("keystorePasswordFile",
            ValueType.readableFile("the path of a readable file holding the keystore password"), null,
            "file holding the keystore password");
    public static final ConfigKey<Double> DIAGNOSE_AT = new ConfigKey<>("diagnoseAt",
            ValueType.fraction().note("share of a layer's units dead or saturated"), 0.5,
            "share of a layer's units dead or saturated from which the layer is diagnosed");
    public static final ConfigKey<Boolean> REVIVE = new ConfigKey<>("revive", ValueType.bool(), false,
            "reinitialise dead units (changes training)");
    public static final ConfigKey<Integer> REVIVE_EVERY = new ConfigKey<>("reviveEvery",
            ValueType.wholeNumber(1, 1_000_000), 1, "with revive: recycle dead units every this many windows");
    public static final ConfigKey<Boolean> STATISTICS_THREAD = new ConfigKey<>("statisticsThread", ValueType.bool(),
            true, "false: scan copies and close windows on the training thread, no statistics thread");

    public static final ConfigKey<Map<String, String>> LABELS = new ConfigKey<>("labels", ValueType.labels(), null,
            "constant labels on every series, the process' identity: app:sweep-7;executor:3");
    public static final ConfigKey<Path> TARGETS_DIR = new ConfigKey<>("targetsDir",
            ValueType.writableDirectory(), null,
            "directory where the agent writes its Prometheus file-SD target file, removed at exit");
    public static final ConfigKey<String> TARGET_HOST = new ConfigKey<>("targetHost", ValueType.host(), null,
            "host written in the target file; unset: host, or a reachable address when host is 0.0.0.0 or ::");
    public static final ConfigKey<URI> PUSHGATEWAY = new ConfigKey<>("pushgateway",
            ValueType.httpUrl("http://localhost:9091"), null,
            "Prometheus Pushgateway to push to every pushEvery seconds and once more at exit");
    public static final ConfigKey<Integer> PUSH_EVERY = new ConfigKey<>("pushEvery",
            ValueType.wholeNumber(1, 86_400), 15, "seconds between two pushes to the Pushgateway");
    public static final ConfigKey<URI> OTLP = new ConfigKey<>("otlp",
            ValueType.httpUrl("http://localhost:4318/v1/metrics"), null,
            "OTLP/HTTP metrics receiver to export to every otlpEvery seconds and once more at exit");
    public static final ConfigKey<Integer> OTLP_EVERY = new ConfigKey<>("otlpEvery",
            ValueType.wholeNumber(1, 86_400), 15, "seconds between two OTLP exports (the registry's step)");

    private final String key;
    private final ValueType<T> type;
    private final T defaultValue;
    private final String doc;

    private ConfigKey(String key, ValueType<T> type, T defaultValue, String doc) {
        this.key = key;
        this.type = type;
        this.defaultValue = defaultValue == null ? null : type.check(defaultValue);
        this.doc = doc;
        ALL.add(this);
    }

    /** Every key, in declaration order (the order of the known-keys list in warnings). */
    static List<ConfigKey<?>> all() {
        return Collections.unmodifiableList(ALL);
    }

    /** The camelCase spelling used in agent args and after {@code deadunit.} in system properties. */
    public String key() {
        return key;
    }

    /** The value when the key is not given; {@code null} for an optional key. */
    public T defaultValue() {
        return defaultValue;
    }

    /** One line on what the key does. */
    public String doc() {
        return doc;
    }

    /**
     * The value to keep, when allowed; otherwise {@link IllegalArgumentException} naming the key and the accepted
     * form. {@code null} is allowed for an optional key only (it clears it).
     */
    public T check(T value) {
        if (value == null && defaultValue == null) {
            return null;
        }
        try {
            return type.check(value);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException(key + " must be " + type.expected() + ", got " + shown(value));
        }
    }

    /**
     * As {@link #check} for a setter that names the value its own way (a JMX attribute):
     * {@code SampleEvery must be between 1 and 1000000, got 0}.
     */
    public T check(String name, T value) {
        try {
            return type.check(value);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException(name + " must be " + type.bounds() + ", got " + shown(value));
        }
    }

    /** Text to an allowed value; {@link IllegalArgumentException} otherwise (the caller reports {@link #expected}). */
    T parse(String text) {
        return type.parse(text);
    }

    /** What a valid value looks like, for messages: "a whole number from 1 to 1000000". */
    public String expected() {
        return type.expected();
    }

    /** A value of this key as a user would write it (README, {@code toString}); {@code unset} for none. */
    @SuppressWarnings("unchecked") // AgentConfig holds only this key's own T under it
    String shown(Object value) {
        return value == null ? "unset" : Values.shown(type.show((T) value));
    }

    /** The environment variable name: {@code sampleEvery} becomes {@code DEADUNIT_SAMPLE_EVERY}. */
    String environmentName() {
        return "DEADUNIT_" + key.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }

    /** Exact spelling first, then a case-insensitive match. */
    static Optional<ConfigKey<?>> lookup(String name) {
        for (ConfigKey<?> k : ALL) {
            if (k.key.equals(name)) {
                return Optional.of(k);
            }
        }
        for (ConfigKey<?> k : ALL) {
            if (k.key.equalsIgnoreCase(name)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    /** "enabled, host, port, ..." for the unknown-key message. */
    static String knownKeys() {
        StringBuilder sb = new StringBuilder();
        for (ConfigKey<?> k : ALL) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(k.key);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return key;
    }
}
