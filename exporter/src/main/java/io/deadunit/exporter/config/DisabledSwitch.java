package io.deadunit.exporter.config;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The agent's first look at its settings: is it switched off ({@code enabled=false})? Then {@code premain} returns
 * before {@link ConfigParser} and its classes load: parsing and checking every key costs the JVM tens of milliseconds
 * of class loading, lambdas and regular expressions (and checks files and directories that a switched-off agent
 * never uses), while an agent attached with {@code enabled=false} should cost nothing measurable. Switched off, the
 * agent reads no other key, so it says nothing about them either.
 *
 * <p>Finds the {@code enabled} setting that applies exactly as {@link ConfigParser} does: agent arguments, then
 * {@code deadunit.*} system properties, then {@code DEADUNIT_*} environment variables; keys case-insensitive
 * (environment names compared without their underscores), whitespace stripped, the last {@code enabled=} of the
 * arguments wins; false is {@code false}, {@code no}, {@code off} or {@code 0} in any case. Whenever it cannot be
 * sure in the parser's terms (a bad {@code enabled} value, two spellings of {@code enabled} in one source, whose
 * order the parser settles by sorting) or the settings hold a password ({@code password}, {@code keystorePassword}:
 * the parser's refusal is a warning worth giving even then), it answers {@code false} and the full parser decides
 * and reports, as without this switch. JDK types only; no lambda, no regular expression, no string formatting: it
 * must load nothing else.
 */
public final class DisabledSwitch {
    private static final String KEY = "enabled";
    private static final String PROPERTY_PREFIX = "deadunit.";
    private static final String ENV_PREFIX = "DEADUNIT_";
    /** A source that holds a password key, or {@code enabled} twice: the parser must decide. */
    private static final String UNSURE = new String("unsure");

    private DisabledSwitch() {
    }

    /** Whether this JVM's agent arguments, system properties and environment switch the agent off. */
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

    /** The value of the last {@code enabled=} token; null without one; UNSURE when a password key is there. */
    private static String fromArguments(String args) {
        if (args == null) {
            return null;
        }
        String value = null;
        int start = 0;
        while (start <= args.length()) {
            int comma = args.indexOf(',', start);
            int end = comma < 0 ? args.length() : comma;
            String token = args.substring(start, end);
            start = end + 1;
            int eq = token.indexOf('=');
            if (eq < 0) {
                continue; // not a setting (or a continuation of phases=): it cannot say enabled
            }
            String name = token.substring(0, eq).strip();
            if (isPassword(name)) {
                return UNSURE;
            }
            if (name.equalsIgnoreCase(KEY)) {
                value = token.substring(eq + 1).strip();
            }
        }
        return value;
    }

    /**
     * The value of the one {@code enabled} entry under {@code prefix}; null without one; UNSURE for a second one or
     * a password key. Environment names are SNAKE_CASE: compared without their underscores.
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
            if (isPassword(key) || key.equalsIgnoreCase(KEY) && value != null) {
                return UNSURE;
            }
            if (key.equalsIgnoreCase(KEY)) {
                value = e.getValue().strip();
            }
        }
        return value;
    }

    private static boolean isPassword(String name) {
        return name.equalsIgnoreCase("password") || name.equalsIgnoreCase("keystorePassword");
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
