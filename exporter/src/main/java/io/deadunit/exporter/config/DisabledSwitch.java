package io.deadunit.exporter.config;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The agent's first look at its settings: is it switched off ({@code enabled=false}) with nothing else set? Then
 * {@code premain} returns before {@link ConfigParser} and its classes load: parsing every key costs the JVM tens of
 * milliseconds of class loading, lambdas and regular expressions, and an agent attached with {@code enabled=false}
 * should cost nothing measurable.
 *
 * <p>Reads the same three sources with the same precedence and spellings as {@link ConfigParser} (agent arguments,
 * then {@code deadunit.*} system properties, then {@code DEADUNIT_*} environment variables; keys case-insensitive,
 * whitespace stripped, the last {@code enabled} of the arguments wins; false is {@code false}, {@code no},
 * {@code off} or {@code 0} in any case). It answers {@code true} only when every setting it finds is
 * {@code enabled} and the one that applies says false: the parser would then report nothing and disable the agent.
 * Anything else (another key, a token without '=', two spellings of {@code enabled} in one source) answers
 * {@code false}, and the full parser decides and reports, exactly as without this switch. JDK types only; no
 * lambda, no regular expression, no string formatting: it must load nothing else.
 */
public final class DisabledSwitch {
    private static final String KEY = "enabled";
    private static final String PROPERTY_PREFIX = "deadunit.";
    private static final String ENV_PREFIX = "DEADUNIT_";
    /** A source that sets anything but {@code enabled}, or {@code enabled} twice: the parser must decide. */
    private static final String UNSURE = new String("unsure");

    private DisabledSwitch() {
    }

    /** Whether this JVM's agent arguments, system properties and environment switch the agent off, and only that. */
    public static boolean isOff(String agentArgs) {
        try {
            return isOff(agentArgs, systemProperties(), System.getenv());
        } catch (RuntimeException e) {
            return false; // the parser will read the settings (and say what is wrong)
        }
    }

    /** As {@link #isOff(String)} with the given sources (the parser's own signature, for tests). */
    static boolean isOff(String agentArgs, Map<String, String> systemProperties, Map<String, String> environment) {
        String fromArgs = fromArguments(agentArgs);
        String fromProperties = fromMap(systemProperties, PROPERTY_PREFIX, false);
        String fromEnvironment = fromMap(environment, ENV_PREFIX, true);
        if (fromArgs == UNSURE || fromProperties == UNSURE || fromEnvironment == UNSURE) {
            return false;
        }
        String value = fromArgs != null ? fromArgs : fromProperties != null ? fromProperties : fromEnvironment;
        return value != null && isFalse(value);
    }

    /** The value of the last {@code enabled=} token; null without any token; UNSURE when anything else is there. */
    private static String fromArguments(String args) {
        if (args == null) {
            return null;
        }
        String value = null;
        int start = 0;
        while (start <= args.length()) {
            int comma = args.indexOf(',', start);
            int end = comma < 0 ? args.length() : comma;
            String token = args.substring(start, end).strip();
            start = end + 1;
            if (token.isEmpty()) {
                continue;
            }
            int eq = token.indexOf('=');
            if (eq < 0 || !token.substring(0, eq).strip().equalsIgnoreCase(KEY)) {
                return UNSURE;
            }
            value = token.substring(eq + 1).strip();
        }
        return value;
    }

    /**
     * The value of the one {@code enabled} entry under {@code prefix}; null without entries under it; UNSURE for any
     * other entry or a second one. Environment names are SNAKE_CASE: compared without their underscores.
     */
    private static String fromMap(Map<String, String> map, String prefix, boolean environment) {
        if (map == null) {
            return null;
        }
        String value = null;
        for (Map.Entry<String, String> e : map.entrySet()) {
            String name = e.getKey();
            if (name == null || e.getValue() == null || !name.regionMatches(true, 0, prefix, 0, prefix.length())) {
                continue;
            }
            String key = name.substring(prefix.length());
            key = environment ? key.replace("_", "") : key.strip();
            if (value != null || !key.equalsIgnoreCase(KEY)) {
                return UNSURE;
            }
            value = e.getValue().strip();
        }
        return value;
    }

    /** The false spellings of {@link Values#bool}. */
    private static boolean isFalse(String value) {
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "false":
            case "no":
            case "off":
            case "0":
                return true;
            default:
                return false;
        }
    }

    // The deadunit.* ones, copied as the parser copies them.
    private static Map<String, String> systemProperties() {
        Map<String, String> ours = new HashMap<>();
        Properties properties = System.getProperties();
        for (String name : properties.stringPropertyNames()) {
            if (name.toLowerCase(Locale.ROOT).startsWith(PROPERTY_PREFIX)) {
                String value = properties.getProperty(name);
                if (value != null) {
                    ours.put(name, value);
                }
            }
        }
        return ours;
    }
}
