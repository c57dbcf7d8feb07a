package io.deadunit.exporter.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The agent's settings, parsed once at startup ({@link ConfigParser}) and immutable afterwards.
 *
 * <p>Security keys travel in pairs: {@code user} + {@code passwordFile} turn on basic auth, {@code keystore} +
 * {@code keystorePasswordFile} turn on TLS. A half pair is representable on purpose (the parser keeps what was
 * valid and reports the rest) so that the endpoint can refuse to start instead of silently serving without the
 * protection the user asked for; see {@link #missingSecurityPartner()}.
 */
public final class AgentConfig {
    public static final int MIN_PORT = 0;
    public static final int MAX_PORT = 65535;
    public static final int MAX_SAMPLE_EVERY = 1_000_000;
    public static final int MAX_WINDOW = 1_000_000;
    public static final int MAX_LAYERS_LIMIT = 100_000;
    public static final int MAX_REVIVE_EVERY = 1_000_000;
    /** Longest {@code model} label value and {@code user} name, in code points. */
    public static final int MAX_NAME_LENGTH = 100;

    private final boolean enabled;
    private final String host;
    private final int port;
    private final int sampleEvery;
    private final int window;
    private final boolean observesTraining;
    private final boolean observesInference;
    private final String model;
    private final boolean summary;
    private final int maxLayers;
    private final boolean jmx;
    private final String user;
    private final Path passwordFile;
    private final Path keystore;
    private final Path keystorePasswordFile;
    private final double diagnoseAt;
    private final boolean revive;
    private final int reviveEvery;

    private AgentConfig(Builder b) {
        this.enabled = b.enabled;
        this.host = b.host;
        this.port = b.port;
        this.sampleEvery = b.sampleEvery;
        this.window = b.window;
        this.observesTraining = b.observesTraining;
        this.observesInference = b.observesInference;
        this.model = b.model;
        this.summary = b.summary;
        this.maxLayers = b.maxLayers;
        this.jmx = b.jmx;
        this.user = b.user;
        this.passwordFile = b.passwordFile;
        this.keystore = b.keystore;
        this.keystorePasswordFile = b.keystorePasswordFile;
        this.diagnoseAt = b.diagnoseAt;
        this.revive = b.revive;
        this.reviveEvery = b.reviveEvery;
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
        b.enabled = enabled;
        b.host = host;
        b.port = port;
        b.sampleEvery = sampleEvery;
        b.window = window;
        b.observesTraining = observesTraining;
        b.observesInference = observesInference;
        b.model = model;
        b.summary = summary;
        b.maxLayers = maxLayers;
        b.jmx = jmx;
        b.user = user;
        b.passwordFile = passwordFile;
        b.keystore = keystore;
        b.keystorePasswordFile = keystorePasswordFile;
        b.diagnoseAt = diagnoseAt;
        b.revive = revive;
        b.reviveEvery = reviveEvery;
        return b;
    }

    /** {@code false}: the agent installs nothing and training runs untouched. */
    public boolean enabled() {
        return enabled;
    }

    /** Address the endpoint binds to; an IPv6 literal is held without brackets. */
    public String host() {
        return host;
    }

    /** 0 asks the OS for a free port. */
    public int port() {
        return port;
    }

    /** Observe every k-th training iteration. */
    public int sampleEvery() {
        return sampleEvery;
    }

    /** Window length in training iterations. */
    public int window() {
        return window;
    }

    public boolean observesTraining() {
        return observesTraining;
    }

    public boolean observesInference() {
        return observesInference;
    }

    /** Label value for the first model. */
    public Optional<String> model() {
        return Optional.ofNullable(model);
    }

    /** Print a per-layer summary on stderr at exit. */
    public boolean summary() {
        return summary;
    }

    public int maxLayers() {
        return maxLayers;
    }

    public boolean jmx() {
        return jmx;
    }

    public Optional<String> user() {
        return Optional.ofNullable(user);
    }

    public Optional<Path> passwordFile() {
        return Optional.ofNullable(passwordFile);
    }

    public Optional<Path> keystore() {
        return Optional.ofNullable(keystore);
    }

    public Optional<Path> keystorePasswordFile() {
        return Optional.ofNullable(keystorePasswordFile);
    }

    /** Share of a layer's units dead or saturated from which the layer is diagnosed (0 &lt; x ≤ 1). */
    public double diagnoseAt() {
        return diagnoseAt;
    }

    /** Reinitialise dead units (ReDo): the one setting that changes training. Off by default. */
    public boolean revive() {
        return revive;
    }

    /** With {@link #revive()}: recycle dead units every this many windows. */
    public int reviveEvery() {
        return reviveEvery;
    }

    /** Both {@code user} and {@code passwordFile} are set. */
    public boolean basicAuth() {
        return user != null && passwordFile != null;
    }

    /** Both {@code keystore} and {@code keystorePasswordFile} are set. */
    public boolean tls() {
        return keystore != null && keystorePasswordFile != null;
    }

    /**
     * The key that is missing from a security pair the user started (e.g. {@code passwordFile} when only
     * {@code user} is set), or empty when every pair is complete or absent. A lone {@code keystorePasswordFile}
     * asks for nothing and is not reported here.
     */
    public Optional<String> missingSecurityPartner() {
        if (user != null && passwordFile == null) {
            return Optional.of(ConfigKey.PASSWORD_FILE.key());
        }
        if (user == null && passwordFile != null) {
            return Optional.of(ConfigKey.USER.key());
        }
        if (keystore != null && keystorePasswordFile == null) {
            return Optional.of(ConfigKey.KEYSTORE_PASSWORD_FILE.key());
        }
        return Optional.empty();
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof AgentConfig)) {
            return false;
        }
        AgentConfig c = (AgentConfig) o;
        return enabled == c.enabled && port == c.port && sampleEvery == c.sampleEvery && window == c.window
                && observesTraining == c.observesTraining && observesInference == c.observesInference
                && summary == c.summary && maxLayers == c.maxLayers && jmx == c.jmx && host.equals(c.host)
                && Objects.equals(model, c.model) && Objects.equals(user, c.user)
                && Objects.equals(passwordFile, c.passwordFile) && Objects.equals(keystore, c.keystore)
                && Objects.equals(keystorePasswordFile, c.keystorePasswordFile)
                && Double.compare(diagnoseAt, c.diagnoseAt) == 0 && revive == c.revive
                && reviveEvery == c.reviveEvery;
    }

    @Override
    public int hashCode() {
        return Objects.hash(enabled, host, port, sampleEvery, window, observesTraining, observesInference, model,
                summary, maxLayers, jmx, user, passwordFile, keystore, keystorePasswordFile, diagnoseAt, revive,
                reviveEvery);
    }

    /** Holds no secrets (only paths), so it is safe to log. */
    @Override
    public String toString() {
        return "AgentConfig{enabled=" + enabled + ", host=" + host + ", port=" + port + ", sampleEvery="
                + sampleEvery + ", window=" + window + ", phases=" + Values.phases(observesTraining, observesInference)
                + ", model=" + model + ", summary=" + summary + ", maxLayers=" + maxLayers + ", jmx=" + jmx
                + ", user=" + user + ", passwordFile=" + passwordFile + ", keystore=" + keystore
                + ", keystorePasswordFile=" + keystorePasswordFile + ", diagnoseAt=" + diagnoseAt + ", revive="
                + revive + ", reviveEvery=" + reviveEvery + "}";
    }

    /** Mutable builder; setters reject out-of-range values with {@link IllegalArgumentException}. */
    public static final class Builder {
        private boolean enabled = true;
        private String host = "127.0.0.1";
        private int port = 9404;
        private int sampleEvery = 10;
        private int window = 100;
        private boolean observesTraining = true;
        private boolean observesInference = false;
        private String model;
        private boolean summary = true;
        private int maxLayers = 1000;
        private boolean jmx = true;
        private String user;
        private Path passwordFile;
        private Path keystore;
        private Path keystorePasswordFile;
        private double diagnoseAt = 0.5;
        private boolean revive = false;
        private int reviveEvery = 1;

        private Builder() {
        }

        public Builder enabled(boolean enabled) {
            this.enabled = enabled;
            return this;
        }

        public Builder host(String host) {
            this.host = Values.host(host, ConfigKey.HOST);
            return this;
        }

        public Builder port(int port) {
            this.port = Values.checkRange(port, MIN_PORT, MAX_PORT, ConfigKey.PORT);
            return this;
        }

        public Builder sampleEvery(int sampleEvery) {
            this.sampleEvery = Values.checkRange(sampleEvery, 1, MAX_SAMPLE_EVERY, ConfigKey.SAMPLE_EVERY);
            return this;
        }

        public Builder window(int window) {
            this.window = Values.checkRange(window, 1, MAX_WINDOW, ConfigKey.WINDOW);
            return this;
        }

        /** At least one phase must be observed; {@code enabled(false)} is the way to observe nothing. */
        public Builder phases(boolean training, boolean inference) {
            if (!training && !inference) {
                throw new IllegalArgumentException(ConfigKey.PHASES.expected());
            }
            this.observesTraining = training;
            this.observesInference = inference;
            return this;
        }

        /** {@code null} clears it. */
        public Builder model(String model) {
            this.model = model == null ? null : Values.name(model, false, ConfigKey.MODEL);
            return this;
        }

        public Builder summary(boolean summary) {
            this.summary = summary;
            return this;
        }

        public Builder maxLayers(int maxLayers) {
            this.maxLayers = Values.checkRange(maxLayers, 1, MAX_LAYERS_LIMIT, ConfigKey.MAX_LAYERS);
            return this;
        }

        public Builder jmx(boolean jmx) {
            this.jmx = jmx;
            return this;
        }

        /** {@code null} clears it. */
        public Builder user(String user) {
            this.user = user == null ? null : Values.name(user, true, ConfigKey.USER);
            return this;
        }

        /** {@code null} clears it. Paths are not checked here; the parser and the endpoint check the files. */
        public Builder passwordFile(Path passwordFile) {
            this.passwordFile = passwordFile;
            return this;
        }

        public Builder keystore(Path keystore) {
            this.keystore = keystore;
            return this;
        }

        public Builder keystorePasswordFile(Path keystorePasswordFile) {
            this.keystorePasswordFile = keystorePasswordFile;
            return this;
        }

        public Builder diagnoseAt(double diagnoseAt) {
            if (!(diagnoseAt > 0 && diagnoseAt <= 1)) {
                throw new IllegalArgumentException(ConfigKey.DIAGNOSE_AT.key() + " must be "
                        + ConfigKey.DIAGNOSE_AT.expected() + ", got " + diagnoseAt);
            }
            this.diagnoseAt = diagnoseAt;
            return this;
        }

        public Builder revive(boolean revive) {
            this.revive = revive;
            return this;
        }

        public Builder reviveEvery(int reviveEvery) {
            this.reviveEvery = Values.checkRange(reviveEvery, 1, MAX_REVIVE_EVERY, ConfigKey.REVIVE_EVERY);
            return this;
        }

        public AgentConfig build() {
            return new AgentConfig(this);
        }
    }
}
