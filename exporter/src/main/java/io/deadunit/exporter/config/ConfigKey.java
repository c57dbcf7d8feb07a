package io.deadunit.exporter.config;

import java.util.Locale;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * The known keys: spelling, the accepted form (quoted in warnings, so it is written for users) and how a raw
 * value lands in the builder. Every {@code apply} throws {@link IllegalArgumentException} on a bad value.
 */
enum ConfigKey {
    ENABLED("enabled", "true or false", (b, v) -> b.enabled(Values.bool(v))),
    HOST("host", "a host name or IP address such as 127.0.0.1 or 0.0.0.0", (b, v) -> b.host(v)),
    PORT("port", "a whole number from 0 to 65535 (0 picks a free port)",
            (b, v) -> b.port(Values.integer(v, AgentConfig.MIN_PORT, AgentConfig.MAX_PORT))),
    SAMPLE_EVERY("sampleEvery", "a whole number from 1 to " + AgentConfig.MAX_SAMPLE_EVERY,
            (b, v) -> b.sampleEvery(Values.integer(v, 1, AgentConfig.MAX_SAMPLE_EVERY))),
    WINDOW("window", "a whole number from 1 to " + AgentConfig.MAX_WINDOW,
            (b, v) -> b.window(Values.integer(v, 1, AgentConfig.MAX_WINDOW))),
    PHASES("phases", "train, inference, or both joined by + or ; (train+inference)", Values::applyPhases),
    MODEL("model", "a name of 1 to " + AgentConfig.MAX_NAME_LENGTH + " printable characters",
            (b, v) -> b.model(v)),
    SUMMARY("summary", "true or false", (b, v) -> b.summary(Values.bool(v))),
    MAX_LAYERS("maxLayers", "a whole number from 1 to " + AgentConfig.MAX_LAYERS_LIMIT,
            (b, v) -> b.maxLayers(Values.integer(v, 1, AgentConfig.MAX_LAYERS_LIMIT))),
    JMX("jmx", "true or false", (b, v) -> b.jmx(Values.bool(v))),
    USER("user", "a name of 1 to " + AgentConfig.MAX_NAME_LENGTH + " printable characters without ':'",
            (b, v) -> b.user(v)),
    PASSWORD_FILE("passwordFile", "the path of a readable file holding the password",
            (b, v) -> b.passwordFile(Values.readableFile(v))),
    KEYSTORE("keystore", "the path of a readable PKCS12 or JKS keystore",
            (b, v) -> b.keystore(Values.readableFile(v))),
    KEYSTORE_PASSWORD_FILE("keystorePasswordFile", "the path of a readable file holding the keystore password",
            (b, v) -> b.keystorePasswordFile(Values.readableFile(v))),
    DIAGNOSE_AT("diagnoseAt", "a number greater than 0 and at most 1 (share of a layer's units dead or saturated)",
            (b, v) -> b.diagnoseAt(Values.fraction(v))),
    REVIVE("revive", "true or false", (b, v) -> b.revive(Values.bool(v))),
    REVIVE_EVERY("reviveEvery", "a whole number from 1 to " + AgentConfig.MAX_REVIVE_EVERY,
            (b, v) -> b.reviveEvery(Values.integer(v, 1, AgentConfig.MAX_REVIVE_EVERY)));

    private final String key;
    private final String expected;
    private final BiConsumer<AgentConfig.Builder, String> apply;

    ConfigKey(String key, String expected, BiConsumer<AgentConfig.Builder, String> apply) {
        this.key = key;
        this.expected = expected;
        this.apply = apply;
    }

    /** The camelCase spelling used in agent args and after {@code deadunit.} in system properties. */
    String key() {
        return key;
    }

    /** What a valid value looks like, for messages. */
    String expected() {
        return expected;
    }

    /** The environment variable name: {@code sampleEvery} becomes {@code DEADUNIT_SAMPLE_EVERY}. */
    String environmentName() {
        return "DEADUNIT_" + key.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }

    void apply(AgentConfig.Builder builder, String value) {
        apply.accept(builder, value);
    }

    /** Exact spelling first, then a case-insensitive match. */
    static Optional<ConfigKey> lookup(String name) {
        for (ConfigKey k : values()) {
            if (k.key.equals(name)) {
                return Optional.of(k);
            }
        }
        for (ConfigKey k : values()) {
            if (k.key.equalsIgnoreCase(name)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    /** "enabled, host, port, ..." for the unknown-key message. */
    static String knownKeys() {
        StringBuilder sb = new StringBuilder();
        for (ConfigKey k : values()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(k.key);
        }
        return sb.toString();
    }
}
