package io.deadunit.exporter.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Rules that span several keys, checked after every key has its own valid value: today the security pairs
 * ({@code user} + {@code passwordFile} for basic auth, {@code keystore} + {@code keystorePasswordFile} for TLS).
 *
 * <p>Half a pair is kept in the config on purpose (see {@link AgentConfig}): the parser reports it, and the endpoint
 * asks {@link #missingSecurityPartner} and refuses to serve rather than serve without the protection asked for.
 */
final class KeyGroups {
    private KeyGroups() {
    }

    /** One phrase per broken rule, for the parser's warning line. */
    static List<String> problems(AgentConfig config) {
        List<String> problems = new ArrayList<>();
        if (config.find(ConfigKey.USER).isPresent() != config.find(ConfigKey.PASSWORD_FILE).isPresent()) {
            problems.add("basic auth needs both user and passwordFile, so the metrics endpoint will not start");
        }
        boolean keystore = config.find(ConfigKey.KEYSTORE).isPresent();
        boolean keystorePassword = config.find(ConfigKey.KEYSTORE_PASSWORD_FILE).isPresent();
        if (keystore && !keystorePassword) {
            problems.add("TLS needs both keystore and keystorePasswordFile, so the metrics endpoint will not start");
        }
        if (!keystore && keystorePassword) {
            problems.add("keystorePasswordFile without keystore is ignored");
        }
        return problems;
    }

    /** See {@link AgentConfig#missingSecurityPartner()}. */
    static Optional<String> missingSecurityPartner(AgentConfig config) {
        boolean user = config.find(ConfigKey.USER).isPresent();
        boolean passwordFile = config.find(ConfigKey.PASSWORD_FILE).isPresent();
        if (user && !passwordFile) {
            return Optional.of(ConfigKey.PASSWORD_FILE.key());
        }
        if (!user && passwordFile) {
            return Optional.of(ConfigKey.USER.key());
        }
        if (config.find(ConfigKey.KEYSTORE).isPresent() && config.find(ConfigKey.KEYSTORE_PASSWORD_FILE).isEmpty()) {
            return Optional.of(ConfigKey.KEYSTORE_PASSWORD_FILE.key());
        }
        return Optional.empty();
    }
}
