package io.deadunit.exporter.config;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * The agent's settings, parsed once at startup ({@link ConfigParser}) and immutable afterwards: one value per
 * {@link ConfigKey}, read with {@link #get}. The named getters below are shorthands kept for the code that uses them.
 *
 * <p>Security keys travel in pairs: {@code user} + {@code passwordFile} turn on basic auth, {@code keystore} +
 * {@code keystorePasswordFile} turn on TLS. A half pair is representable on purpose (the parser keeps what was
 * valid and reports the rest) so that the endpoint can refuse to start instead of silently serving without the
 * protection the user asked for; see {@link #missingSecurityPartner()}.
 */
public final class AgentConfig {
    /** Every key, {@code null} for an optional key that is unset. */
    private final Map<ConfigKey<?>, Object> values;
    /** Keys given with a value that was refused: they keep their default, but they were asked for. */
    private final Set<ConfigKey<?>> rejected;

    private AgentConfig(Builder b) {
        this.values = new HashMap<>(b.values);
        this.rejected = Set.copyOf(b.rejected);
    }

    public static AgentConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this config's values: {@code config.toBuilder().port(0).build()}. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.values.putAll(values);
        b.rejected.addAll(rejected);
        return b;
    }

    /** The key's value; {@code null} for an optional key that is unset (see {@link #find}). */
    @SuppressWarnings("unchecked") // values only ever holds a ConfigKey<T>'s own T (see Builder.set)
    public <T> T get(ConfigKey<T> key) {
        return (T) values.get(key);
    }

    /** The key's value, empty when unset. */
    public <T> Optional<T> find(ConfigKey<T> key) {
        return Optional.ofNullable(get(key));
    }

    /**
     * The key was given with a value that was refused (e.g. {@code keystore=/nonexistent.p12}): it holds its
     * default, but a security rule must still see that it was asked for (see {@link SecurityGroup}).
     */
    public boolean rejected(ConfigKey<?> key) {
        return rejected.contains(key);
    }

    /** The key has a value other than "unset", or was given with a refused one. */
    public boolean given(ConfigKey<?> key) {
        return values.get(key) != null || rejected.contains(key);
    }

    /**
     * Why the metrics endpoint must not start (a security key given but unusable, half a pair), as one phrase for
     * a warning; empty when it may start. See {@link KeyGroups#ENDPOINT_SECURITY}.
     */
    public Optional<String> endpointRefusal() {
        return KeyGroups.ENDPOINT_SECURITY.refusal(this);
    }

    /** {@code false}: the agent installs nothing and training runs untouched. */
    public boolean enabled() {
        return get(ConfigKey.ENABLED);
    }

    /** Address the endpoint binds to; an IPv6 literal is held without brackets. */
    public String host() {
        return get(ConfigKey.HOST);
    }

    /** The first (or only) port to try; 0 asks the OS for a free port. */
    public int port() {
        return get(ConfigKey.PORT).first();
    }

    /** The ports to try, in order: one port, 0, or a range whose first free port wins. */
    public PortRange portRange() {
        return get(ConfigKey.PORT);
    }

    /** Constant labels on every series ({@code labels=}); empty when unset. */
    public Map<String, String> labels() {
        return find(ConfigKey.LABELS).orElse(Map.of());
    }

    public Optional<Path> targetsDir() {
        return find(ConfigKey.TARGETS_DIR);
    }

    public Optional<String> targetHost() {
        return find(ConfigKey.TARGET_HOST);
    }

    public Optional<java.net.URI> pushgateway() {
        return find(ConfigKey.PUSHGATEWAY);
    }

    public int pushEvery() {
        return get(ConfigKey.PUSH_EVERY);
    }

    public Optional<java.net.URI> otlp() {
        return find(ConfigKey.OTLP);
    }

    public int otlpEvery() {
        return get(ConfigKey.OTLP_EVERY);
    }

    public int sampleEvery() {
        return get(ConfigKey.SAMPLE_EVERY);
    }

    public int window() {
        return get(ConfigKey.WINDOW);
    }

    public boolean observesTraining() {
        return get(ConfigKey.PHASES).training();
    }

    public boolean observesInference() {
        return get(ConfigKey.PHASES).inference();
    }

    public Optional<String> model() {
        return find(ConfigKey.MODEL);
    }

    public boolean summary() {
        return get(ConfigKey.SUMMARY);
    }

    public int maxLayers() {
        return get(ConfigKey.MAX_LAYERS);
    }

    public boolean jmx() {
        return get(ConfigKey.JMX);
    }

    public Optional<String> user() {
        return find(ConfigKey.USER);
    }

    public Optional<Path> passwordFile() {
        return find(ConfigKey.PASSWORD_FILE);
    }

    public Optional<Path> keystore() {
        return find(ConfigKey.KEYSTORE);
    }

    public Optional<Path> keystorePasswordFile() {
        return find(ConfigKey.KEYSTORE_PASSWORD_FILE);
    }

    public double diagnoseAt() {
        return get(ConfigKey.DIAGNOSE_AT);
    }

    /** Reinitialise dead units (ReDo): the one setting that changes training. */
    public boolean revive() {
        return get(ConfigKey.REVIVE);
    }

    public boolean statisticsThread() {
        return get(ConfigKey.STATISTICS_THREAD);
    }

    public int reviveEvery() {
        return get(ConfigKey.REVIVE_EVERY);
    }

    /** Both {@code user} and {@code passwordFile} are set. */
    public boolean basicAuth() {
        return user().isPresent() && passwordFile().isPresent();
    }

    /** Both {@code keystore} and {@code keystorePasswordFile} are set. */
    public boolean tls() {
        return keystore().isPresent() && keystorePasswordFile().isPresent();
    }

    /**
     * The key that is missing (unset or refused) from a security pair the user started (e.g. {@code passwordFile}
     * when only {@code user} is set, {@code keystore} when only {@code keystorePasswordFile} is), or empty when
     * every pair is complete or absent.
     */
    public Optional<String> missingSecurityPartner() {
        return KeyGroups.missingSecurityPartner(this);
    }

    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof AgentConfig && values.equals(((AgentConfig) o).values)
                && rejected.equals(((AgentConfig) o).rejected);
    }

    @Override
    public int hashCode() {
        return values.hashCode() * 31 + rejected.hashCode();
    }

    /** Holds no secrets (only paths), so it is safe to log. */
    @Override
    public String toString() {
        StringJoiner s = new StringJoiner(", ", "AgentConfig{", "}");
        for (ConfigKey<?> key : ConfigKey.all()) {
            s.add(key.key() + "=" + (rejected.contains(key) ? "refused" : key.shown(values.get(key))));
        }
        return s.toString();
    }

    /**
     * Mutable builder. {@link #set} (and every named setter, which calls it) rejects a value out of the key's
     * range with {@link IllegalArgumentException}.
     */
    public static final class Builder {
        private final Map<ConfigKey<?>, Object> values = new HashMap<>();
        private final Set<ConfigKey<?>> rejected = new HashSet<>();

        private Builder() {
            for (ConfigKey<?> key : ConfigKey.all()) {
                values.put(key, key.defaultValue());
            }
        }

        /** {@code null} clears an optional key. Paths are not checked here; whoever opens the file reports it. */
        public <T> Builder set(ConfigKey<T> key, T value) {
            values.put(Objects.requireNonNull(key), key.check(value));
            rejected.remove(key);
            return this;
        }

        /** Parses the text as the key's value; {@link IllegalArgumentException} when it is not one. */
        <T> Builder parse(ConfigKey<T> key, String text) {
            values.put(key, key.parse(text));
            rejected.remove(key);
            return this;
        }

        /** The key was given with a value that was refused: it keeps its default but counts as asked for. */
        Builder reject(ConfigKey<?> key) {
            rejected.add(key);
            return this;
        }

        public Builder enabled(boolean enabled) {
            return set(ConfigKey.ENABLED, enabled);
        }

        public Builder host(String host) {
            return set(ConfigKey.HOST, host);
        }

        public Builder port(int port) {
            return set(ConfigKey.PORT, PortRange.single(port));
        }

        public Builder portRange(int first, int last) {
            return set(ConfigKey.PORT, PortRange.of(first, last));
        }

        public Builder labels(Map<String, String> labels) {
            return set(ConfigKey.LABELS, labels);
        }

        public Builder targetsDir(Path targetsDir) {
            return set(ConfigKey.TARGETS_DIR, targetsDir);
        }

        public Builder targetHost(String targetHost) {
            return set(ConfigKey.TARGET_HOST, targetHost);
        }

        public Builder pushgateway(java.net.URI pushgateway) {
            return set(ConfigKey.PUSHGATEWAY, pushgateway);
        }

        public Builder pushEvery(int seconds) {
            return set(ConfigKey.PUSH_EVERY, seconds);
        }

        public Builder otlp(java.net.URI otlp) {
            return set(ConfigKey.OTLP, otlp);
        }

        public Builder otlpEvery(int seconds) {
            return set(ConfigKey.OTLP_EVERY, seconds);
        }

        public Builder sampleEvery(int sampleEvery) {
            return set(ConfigKey.SAMPLE_EVERY, sampleEvery);
        }

        public Builder window(int window) {
            return set(ConfigKey.WINDOW, window);
        }

        /** At least one phase must be observed; {@code enabled(false)} is the way to observe nothing. */
        public Builder phases(boolean training, boolean inference) {
            return set(ConfigKey.PHASES, new Phases(training, inference));
        }

        public Builder model(String model) {
            return set(ConfigKey.MODEL, model);
        }

        public Builder summary(boolean summary) {
            return set(ConfigKey.SUMMARY, summary);
        }

        public Builder maxLayers(int maxLayers) {
            return set(ConfigKey.MAX_LAYERS, maxLayers);
        }

        public Builder jmx(boolean jmx) {
            return set(ConfigKey.JMX, jmx);
        }

        public Builder user(String user) {
            return set(ConfigKey.USER, user);
        }

        public Builder passwordFile(Path passwordFile) {
            return set(ConfigKey.PASSWORD_FILE, passwordFile);
        }

        public Builder keystore(Path keystore) {
            return set(ConfigKey.KEYSTORE, keystore);
        }

        public Builder keystorePasswordFile(Path keystorePasswordFile) {
            return set(ConfigKey.KEYSTORE_PASSWORD_FILE, keystorePasswordFile);
        }

        public Builder diagnoseAt(double diagnoseAt) {
            return set(ConfigKey.DIAGNOSE_AT, diagnoseAt);
        }

        public Builder revive(boolean revive) {
            return set(ConfigKey.REVIVE, revive);
        }

        public Builder statisticsThread(boolean statisticsThread) {
            return set(ConfigKey.STATISTICS_THREAD, statisticsThread);
        }

        public Builder reviveEvery(int reviveEvery) {
            return set(ConfigKey.REVIVE_EVERY, reviveEvery);
        }

        public AgentConfig build() {
            return new AgentConfig(this);
        }
    }
}
