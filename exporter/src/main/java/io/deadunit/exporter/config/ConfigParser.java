package io.deadunit.exporter.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Reads the agent's settings from three sources, highest precedence first:
 * <ol>
 *   <li>agent arguments: {@code -javaagent:deadunit-agent.jar=port=9404,sampleEvery=5}</li>
 *   <li>system properties: {@code -Ddeadunit.sampleEvery=5}</li>
 *   <li>environment: {@code DEADUNIT_SAMPLE_EVERY=5} (also {@code DEADUNIT_SAMPLEEVERY})</li>
 * </ol>
 * Keys match case-insensitively; whitespace around keys and values is ignored; a key given twice in the agent
 * arguments takes the last value. A bad value is reported and that key keeps its default, whatever lower sources
 * say; everything else still applies. Unknown keys are reported. {@code password} and {@code keystorePassword}
 * are refused: use the {@code ...File} keys. Parsing never throws.
 */
public final class ConfigParser {
    private static final String PROPERTY_PREFIX = "deadunit.";
    private static final String ENV_PREFIX = "DEADUNIT_";

    private ConfigParser() {
    }

    /** Parses {@code agentArgs} together with this JVM's system properties and environment. */
    public static ParsedConfig parse(String agentArgs) {
        return parse(agentArgs, systemProperties(), environment());
    }

    public static ParsedConfig parse(String agentArgs, Map<String, String> systemProperties,
            Map<String, String> environment) {
        Problems problems = new Problems();
        try {
            Map<ConfigKey<?>, RawSetting> chosen = new HashMap<>();
            // Lowest precedence first, so that higher sources overwrite.
            collect(fromEnvironment(environment), problems, chosen);
            collect(fromSystemProperties(systemProperties), problems, chosen);
            collect(AgentArgs.split(agentArgs, problems), problems, chosen);
            AgentConfig config = build(chosen, problems);
            KeyGroups.problems(config).forEach(problems::other);
            return new ParsedConfig(config, problems.messages(), problems.sawUnknownKey());
        } catch (RuntimeException e) {
            // Backstop only: the code above is written not to throw.
            problems.other("settings could not be read (" + e.getClass().getSimpleName() + ")");
            return new ParsedConfig(AgentConfig.defaults(), problems.messages(), problems.sawUnknownKey());
        }
    }

    private static void collect(List<RawSetting> settings, Problems problems, Map<ConfigKey<?>, RawSetting> chosen) {
        for (RawSetting s : settings) {
            // Environment names are SNAKE_CASE: without underscores they compare like camelCase keys.
            String name = s.source() == RawSetting.Source.ENVIRONMENT ? s.name().replace("_", "") : s.name();
            if (name.equalsIgnoreCase("password")) {
                problems.passwordOnCommandLine(s.origin(), ConfigKey.PASSWORD_FILE);
                continue;
            }
            if (name.equalsIgnoreCase("keystorePassword")) {
                problems.passwordOnCommandLine(s.origin(), ConfigKey.KEYSTORE_PASSWORD_FILE);
                continue;
            }
            Optional<ConfigKey<?>> key = ConfigKey.lookup(name);
            if (key.isPresent()) {
                chosen.put(key.get(), s);
            } else {
                problems.unknownKey(s.origin());
            }
        }
    }

    // In key order, so that the warning lists problems the same way whatever the sources.
    private static AgentConfig build(Map<ConfigKey<?>, RawSetting> chosen, Problems problems) {
        AgentConfig.Builder builder = AgentConfig.builder();
        for (ConfigKey<?> key : ConfigKey.all()) {
            RawSetting setting = chosen.get(key);
            if (setting == null) {
                continue;
            }
            try {
                builder.parse(key, setting.value());
            } catch (BadValue bad) {
                problems.badValue(setting, key, bad.getMessage());
            } catch (RuntimeException bad) {
                problems.badValue(setting, key);
                if (KeyGroups.guards(key)) {
                    // A refused security key still asks for protection: the group fails closed on it.
                    builder.reject(key);
                }
            }
        }
        return builder.build();
    }

    private static List<RawSetting> fromSystemProperties(Map<String, String> properties) {
        List<RawSetting> settings = new ArrayList<>();
        if (properties == null) {
            return settings;
        }
        for (Map.Entry<String, String> e : sorted(properties)) {
            String name = e.getKey();
            if (startsWithIgnoreCase(name, PROPERTY_PREFIX)) {
                String key = name.substring(PROPERTY_PREFIX.length()).strip();
                settings.add(new RawSetting(RawSetting.Source.SYSTEM_PROPERTY, key, e.getValue().strip(), "-D" + name));
            }
        }
        return settings;
    }

    private static List<RawSetting> fromEnvironment(Map<String, String> environment) {
        List<RawSetting> settings = new ArrayList<>();
        if (environment == null) {
            return settings;
        }
        for (Map.Entry<String, String> e : sorted(environment)) {
            String name = e.getKey();
            if (startsWithIgnoreCase(name, ENV_PREFIX)) {
                String key = name.substring(ENV_PREFIX.length());
                settings.add(new RawSetting(RawSetting.Source.ENVIRONMENT, key, e.getValue().strip(), name));
            }
        }
        return settings;
    }

    // Sorted so that two spellings of one key (DEADUNIT_SAMPLEEVERY, DEADUNIT_SAMPLE_EVERY) resolve the same way
    // on every run; null names and values, which some maps allow, are dropped.
    private static List<Map.Entry<String, String>> sorted(Map<String, String> map) {
        List<Map.Entry<String, String>> entries = new ArrayList<>();
        for (Map.Entry<String, String> e : map.entrySet()) {
            if (e.getKey() != null && e.getValue() != null) {
                entries.add(Map.entry(e.getKey(), e.getValue()));
            }
        }
        entries.sort(Map.Entry.comparingByKey());
        return entries;
    }

    private static boolean startsWithIgnoreCase(String s, String prefix) {
        return s.regionMatches(true, 0, prefix, 0, prefix.length());
    }

    // Properties can change while we copy them; a partial copy is fine, a failure is not.
    private static Map<String, String> systemProperties() {
        Map<String, String> copy = new HashMap<>();
        try {
            Properties p = System.getProperties();
            for (String name : p.stringPropertyNames()) {
                if (name.toLowerCase(Locale.ROOT).startsWith(PROPERTY_PREFIX)) {
                    String value = p.getProperty(name);
                    if (value != null) {
                        copy.put(name, value);
                    }
                }
            }
        } catch (RuntimeException e) {
            // keep what we have
        }
        return copy;
    }

    private static Map<String, String> environment() {
        try {
            return System.getenv();
        } catch (RuntimeException e) {
            return Map.of();
        }
    }
}
