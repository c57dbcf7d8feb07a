package io.deadunit.exporter.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Random argument strings, properties and environments: parsing never throws and always yields a usable config. */
class ConfigParserFuzzTest {
    private static final long SEED = 0xDEADL;
    private static final int CASES = 10_000;

    /** Only ever inside the user-info part of a URL below; the warning line must never show it. */
    private static final String SECRET = "s3cretPW";
    private static final String[] KEYS = {"enabled", "host", "port", "sampleEvery", "window", "phases", "model",
            "summary", "maxLayers", "jmx", "user", "passwordFile", "keystore", "keystorePasswordFile", "password",
            "keystorePassword", "", "bogus", "deadunit.port", "labels", "targetsDir", "targetHost",
            "otlp", "otlpEvery", "pushgateway", "pushEvery"};
    private static final String[] VALUES = {"", "0", "1", "-1", "10", "65535", "65536", "1000000", "1000001",
            "99999999999999999999999999999", "-9223372036854775809", "1e9", "0x10", "true", "false", "yes", "NO",
            "train", "inference", "train+inference", "train;inference", "inference,train", "127.0.0.1", "::1",
            "[::1]", "0.0.0.0", "256.1.1.1", "localhost", "/etc/hostname", "/nonexistent", "..", "a b", "null",
            "٣", "𝟘", "日本語", "😀", "\u0000", "\n", "\r\n", "\u2028", "\u2029", "\u0085", "\uD800", "\u200F",
            "e\u0301", "%s%n", "${jndi:ldap://x}", "\\", "\"", "'", "9404-9420", "9420-9404", "0-1", "1-65536",
            "app:x", "app:x;trial:1", "__name__:x", "le:1", "a-b:c", "app:", ":x", "app:x;app:y", "/tmp",
            "http://127.0.0.1:4318/v1/metrics", "https://otel:4318", "ftp://otel", "http://u:p@otel/v1/metrics",
            "http://otel/v1/metrics?x=1", "http://", "86400", "86401",
            // port ranges: malformed, reversed, out of range, single, whole
            "9404-", "-9404", "9404--9405", "9404-9404", "65535-65536", "70000-70010", "0-65535", "a-b", "9404 - 9405",
            // push URLs: fine, malformed, other schemes, credentials (which must never be echoed), query, no host
            "http://127.0.0.1:1", "https://gw:9091/prefix", "http://[::1]:9091", "HTTP://GW:9091",
            "http://user:" + SECRET + "@gw:9091", "https://:" + SECRET + "@gw", "ftp://gw", "http://", "http:gw",
            "gw:9091", "http://gw:9091/?q=1", "http://gw:9091/#f", "http://gw:99999", "http://gw name:9091"};
    private static final String SEPARATORS = ",=;+ \t";

    @Test
    void randomInputNeverBreaksTheParser() {
        Random random = new Random(SEED);
        int cases = 0;
        for (; cases < CASES; cases++) {
            String args = randomArguments(random);
            Map<String, String> props = random.nextInt(4) == 0 ? randomMap(random, "deadunit.") : Map.of();
            Map<String, String> env = random.nextInt(4) == 0 ? randomMap(random, "DEADUNIT_") : Map.of();

            ParsedConfig parsed = ConfigParser.parse(args, props, env);

            assertValid(parsed, args);
        }
        System.out.println("ConfigParserFuzzTest: " + cases + " random argument strings parsed (seed " + SEED + ")");
    }

    /** Each bad port range or push URL: one line naming the key, that key at its default, the rest kept. */
    @Test
    void badPortRangesAndPushUrlsAreOneLineEachAndKeepTheDefault() {
        for (String bad : List.of("port=9404-", "port=-9404", "port=9420-9404", "port=65535-65536", "port=70000",
                "port=a-b", "pushgateway=ftp://gw:9091", "pushgateway=http://", "pushgateway=gw:9091",
                "pushgateway=http://gw:9091/?q=1", "pushgateway=http://gw name:9091",
                "pushgateway=http://user:" + SECRET + "@gw:9091", "pushEvery=0", "pushEvery=86401")) {
            ParsedConfig parsed = ConfigParser.parse(bad + ",window=7", Map.of(), Map.of());
            String key = bad.substring(0, bad.indexOf('='));
            assertThat(parsed.problems()).as(bad).hasSize(1);
            assertThat(parsed.warningLine()).as(bad).hasValueSatisfying(line -> assertThat(line)
                    .startsWith("deadunit: " + key + "=").doesNotContain(SECRET).doesNotContain("\n"));
            AgentConfig c = parsed.config();
            assertThat(c.window()).as(bad).isEqualTo(7);
            assertThat(c.portRange().first()).as(bad).isEqualTo(AgentConfig.builder().build().portRange().first());
            assertThat(c.pushgateway()).as(bad).isEmpty();
            assertThat(c.pushEvery()).as(bad).isEqualTo(15);
        }
        assertThat(ConfigParser.parse("pushgateway=http://u:" + SECRET + "@gw:9091", Map.of(), Map.of())
                .warningLine().orElseThrow()).contains("http://***@gw:9091");
    }

    private static void assertValid(ParsedConfig parsed, String args) {
        AgentConfig c = parsed.config();
        String context = "args: " + args;
        assertThat(c.port()).as(context).isBetween(0, 65535);
        assertThat(c.sampleEvery()).as(context).isBetween(1, 1_000_000);
        assertThat(c.window()).as(context).isBetween(1, 1_000_000);
        assertThat(c.maxLayers()).as(context).isBetween(1, 100_000);
        assertThat(c.observesTraining() || c.observesInference()).as(context).isTrue();
        assertThat(AgentConfig.builder().host(c.host()).build().host()).as(context).isEqualTo(c.host());
        c.model().ifPresent(m -> assertThat(m.codePointCount(0, m.length())).isBetween(1, 100));
        c.user().ifPresent(u -> assertThat(u).doesNotContain(":"));
        assertThat(c.portRange().first()).as(context).isBetween(0, c.portRange().last());
        assertThat(c.portRange().last()).as(context).isLessThanOrEqualTo(65535);
        assertThat(c.labels().size()).as(context).isLessThanOrEqualTo(Labels.MAX_LABELS);
        c.labels().forEach((name, value) -> {
            assertThat(name).as(context).matches("[a-zA-Z_][a-zA-Z0-9_]{0,63}").doesNotStartWith("__");
            assertThat(Labels.RESERVED).as(context).doesNotContain(name);
            assertThat(value.codePointCount(0, value.length())).as(context).isBetween(1, 100);
        });
        assertThat(c.otlpEvery()).as(context).isBetween(1, 86_400);
        c.otlp().ifPresent(url -> {
            assertThat(url.getScheme()).as(context).matches("(?i)https?");
            assertThat(url.getHost()).as(context).isNotNull();
            assertThat(url.getRawUserInfo()).as(context).isNull();
            assertThat(url.getRawQuery()).as(context).isNull();
        });
        c.pushgateway().ifPresent(u -> {
            assertThat(u.getScheme()).as(context).matches("(?i)https?");
            assertThat(u.getHost()).as(context).isNotBlank();
            assertThat(u.getRawUserInfo()).as(context).isNull();
            assertThat(u.getRawQuery()).as(context).isNull();
        });
        assertThat(c.pushEvery()).as(context).isBetween(1, 86_400);
        assertThat(parsed.warningLine().isPresent()).as(context).isEqualTo(!parsed.problems().isEmpty());
        parsed.warningLine().ifPresent(line -> assertThat(line).as(context).doesNotContain(SECRET));
        parsed.warningLine().ifPresent(line -> {
            assertThat(line).as(context).startsWith("deadunit: ").endsWith("training continues.")
                    .doesNotContain("\n", "\r", "\u2028", "\u2029", "\u0085", "\u0000");
            assertThat(line.length()).as(context).isLessThan(2000);
        });
    }

    private static String randomArguments(Random random) {
        switch (random.nextInt(10)) {
            case 0:
                return random.nextBoolean() ? null : "";
            case 1:
                return randomChars(random, random.nextInt(10) == 0 ? 10_000 : 1 + random.nextInt(80));
            default:
                StringBuilder sb = new StringBuilder();
                int pairs = random.nextInt(random.nextInt(10) == 0 ? 500 : 8);
                for (int i = 0; i < pairs; i++) {
                    if (i > 0) {
                        sb.append(random.nextInt(8) == 0 ? separator(random) : ",");
                    }
                    sb.append(randomKey(random));
                    if (random.nextInt(10) != 0) {
                        sb.append(random.nextInt(10) == 0 ? separator(random) : "=");
                    }
                    sb.append(randomValue(random));
                }
                return sb.toString();
        }
    }

    private static Map<String, String> randomMap(Random random, String prefix) {
        Map<String, String> map = new HashMap<>();
        int n = random.nextInt(5);
        for (int i = 0; i < n; i++) {
            String key = randomKey(random);
            if (prefix.startsWith("DEADUNIT")) {
                key = key.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
            }
            map.put(random.nextInt(10) == 0 ? key : prefix + key, randomValue(random));
        }
        return map;
    }

    private static String randomKey(Random random) {
        String key = KEYS[random.nextInt(KEYS.length)];
        switch (random.nextInt(6)) {
            case 0:
                return key.toUpperCase(Locale.ROOT);
            case 1:
                return " " + key + "\t";
            case 2:
                return randomChars(random, 1 + random.nextInt(6));
            default:
                return key;
        }
    }

    private static String randomValue(Random random) {
        switch (random.nextInt(8)) {
            case 0:
                return randomChars(random, random.nextInt(30));
            case 1:
                return Long.toString(random.nextLong());
            case 2:
                return VALUES[random.nextInt(VALUES.length)] + separator(random) + VALUES[random.nextInt(VALUES.length)];
            default:
                return VALUES[random.nextInt(VALUES.length)];
        }
    }

    private static String separator(Random random) {
        return String.valueOf(SEPARATORS.charAt(random.nextInt(SEPARATORS.length())));
    }

    /** Mostly separators and ASCII, with controls, surrogates (paired and not) and other planes mixed in. */
    private static String randomChars(Random random, int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            int kind = random.nextInt(10);
            if (kind < 3) {
                sb.append(SEPARATORS.charAt(random.nextInt(SEPARATORS.length())));
            } else if (kind < 7) {
                sb.append((char) (0x20 + random.nextInt(0x5F)));
            } else if (kind < 8) {
                sb.append((char) random.nextInt(0x20));
            } else if (kind < 9) {
                sb.append((char) random.nextInt(0x10000));
            } else {
                sb.appendCodePoint(0x10000 + random.nextInt(0x10FFFF - 0x10000));
            }
        }
        return sb.toString();
    }
}
