package io.deadunit.exporter.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Rules that span several keys, checked after every key has its own value: today the metrics endpoint's security
 * group ({@code user} + {@code passwordFile} for basic auth, {@code keystore} + {@code keystorePasswordFile} for
 * TLS), which fails closed (see {@link SecurityGroup}). A new group of keys guarding something else declares its
 * own {@link SecurityGroup} here and adds its refusal to {@link #problems}.
 *
 * <p>Half a pair, and a security key whose value was refused, are kept in the config on purpose (see
 * {@link AgentConfig#rejected}): the parser reports them on its one warning line, and the endpoint refuses to serve
 * rather than serve without the protection asked for.
 */
public final class KeyGroups {
    public static final SecurityGroup ENDPOINT_SECURITY = new SecurityGroup("the metrics endpoint",
            SecurityGroup.pair("basic auth", ConfigKey.USER, ConfigKey.PASSWORD_FILE),
            SecurityGroup.pair("TLS", ConfigKey.KEYSTORE, ConfigKey.KEYSTORE_PASSWORD_FILE));

    private KeyGroups() {
    }

    /** The key belongs to a security group, so a refused value for it must be remembered (fail closed). */
    static boolean guards(ConfigKey<?> key) {
        return ENDPOINT_SECURITY.keys().contains(key);
    }

    /** One phrase per broken rule, for the parser's warning line. */
    static List<String> problems(AgentConfig config) {
        List<String> problems = new ArrayList<>();
        ENDPOINT_SECURITY.refusal(config).ifPresent(problems::add);
        return problems;
    }

    /** See {@link AgentConfig#missingSecurityPartner()}. */
    static Optional<String> missingSecurityPartner(AgentConfig config) {
        for (ConfigKey<?>[] pair : new ConfigKey<?>[][] {{ConfigKey.USER, ConfigKey.PASSWORD_FILE},
                {ConfigKey.KEYSTORE, ConfigKey.KEYSTORE_PASSWORD_FILE}}) {
            Optional<ConfigKey<?>> missing = SecurityGroup.pair("", pair[0], pair[1]).missing(config);
            if (missing.isPresent()) {
                return Optional.of(missing.get().key());
            }
        }
        return Optional.empty();
    }
}
