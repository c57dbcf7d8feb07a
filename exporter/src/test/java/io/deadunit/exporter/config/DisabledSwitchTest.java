package io.deadunit.exporter.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fast path of {@code enabled=false}: it may only say "off" where the full parser disables the agent; where it
 * cannot be sure it must leave the decision (and the warning) to the parser. Switched off, the other keys are not
 * read, so their problems go unreported: only a password on the command line is still worth the parser's warning.
 */
class DisabledSwitchTest {
    private static final int CASES = 20_000;

    static Stream<Arguments> cases() {
        Map<String, String> none = Map.of();
        return Stream.of(
                // off: the parser is skipped
                Arguments.of("enabled=false", none, none, true),
                Arguments.of(" ENABLED = No ", none, none, true),
                Arguments.of("enabled=off,,", none, none, true),
                Arguments.of("enabled=true,enabled=0", none, none, true),
                Arguments.of("port=9404,enabled=false", none, none, true),
                Arguments.of("enabled=false,sampleEvery=abc,bogus,=1", none, none, true),
                Arguments.of("phases=train,enabled=false", none, none, true),
                Arguments.of(null, Map.of("deadunit.enabled", "false"), none, true),
                Arguments.of(null, Map.of("DeadUnit. Enabled ", " OFF"), none, true),
                Arguments.of(null, none, Map.of("DEADUNIT_ENABLED", "false"), true),
                Arguments.of("", none, Map.of("deadunit_en_abled", "no"), true),
                Arguments.of("port=0", none, Map.of("DEADUNIT_ENABLED", "false", "DEADUNIT_WINDOW", "x"), true),
                Arguments.of("enabled=false", Map.of("deadunit.enabled", "true"), Map.of("DEADUNIT_ENABLED", "1"),
                        true),
                Arguments.of("enabled=false", Map.of("deadunit.port", "0"), none, true),
                Arguments.of(null, Map.of("deadunit.enabled", "false", "java.version", "17"),
                        Map.of("PATH", "/bin"), true),
                // on, or unset
                Arguments.of(null, none, none, false),
                Arguments.of("", none, none, false),
                Arguments.of("port=0,enabled", none, none, false),
                Arguments.of("enabled=true", none, none, false),
                Arguments.of("enabled=false,enabled=yes", none, none, false),
                Arguments.of("enabled=true", Map.of("deadunit.enabled", "false"), none, false),
                Arguments.of(null, Map.of("deadunit.enabled", "on"), Map.of("DEADUNIT_ENABLED", "false"), false),
                // the parser decides and reports
                Arguments.of("enabled=maybe", none, Map.of("DEADUNIT_ENABLED", "false"), false),
                Arguments.of("enabled=false=1", none, none, false),
                Arguments.of("enabled=false,password=x", none, none, false),
                Arguments.of("enabled=false", none, Map.of("DEADUNIT_KEYSTORE_PASSWORD", "x"), false),
                Arguments.of(null, Map.of("deadunit.enabled", "false", "deadunit.ENABLED", "true"), none, false),
                Arguments.of(null, none, Map.of("DEADUNIT_ENABLED", "false", "DEADUNIT_EN_ABLED", "false"), false));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void saysOffWhereTheParserDisablesTheAgent(String args, Map<String, String> properties,
            Map<String, String> environment, boolean off) {
        assertThat(DisabledSwitch.isOff(args, properties, environment)).isEqualTo(off);
        if (off) {
            assertThat(ConfigParser.parse(args, properties, environment).config().enabled())
                    .as("the parser's verdict").isFalse();
        }
    }

    /** Random mixes of spellings: wherever the switch says off, the parser disables the agent too. */
    @Test
    void agreesWithTheParserOnRandomSettings() {
        String[] names = {"enabled", "ENABLED", " Enabled ", "enabled ", "en abled", "port", "", "password"};
        String[] values = {"false", "FALSE", " no ", "Off", "0", "true", "yes", "1", "on", "", "maybe", "false=1",
                " 0 ", "f", "\u00A0false", "fal\u017Fe"};
        Random random = new Random(0x0FF);
        int off = 0;
        for (int i = 0; i < CASES; i++) {
            StringBuilder args = new StringBuilder();
            for (int t = random.nextInt(4); t > 0; t--) {
                args.append(random.nextInt(5) == 0 ? "" : names[random.nextInt(names.length)]);
                args.append(random.nextInt(8) == 0 ? "" : "=" + values[random.nextInt(values.length)]);
                args.append(random.nextInt(3) == 0 ? ",," : ",");
            }
            Map<String, String> properties = new HashMap<>();
            Map<String, String> environment = new HashMap<>();
            for (int p = random.nextInt(3); p > 0; p--) {
                properties.put("deadunit." + names[random.nextInt(names.length)], values[random.nextInt(values.length)]);
            }
            for (int e = random.nextInt(3); e > 0; e--) {
                environment.put("DEADUNIT_" + names[random.nextInt(names.length)].toUpperCase(),
                        values[random.nextInt(values.length)]);
            }
            String arguments = random.nextInt(6) == 0 ? null : args.toString();
            ParsedConfig parsed = ConfigParser.parse(arguments, properties, environment);
            if (DisabledSwitch.isOff(arguments, properties, environment)) {
                off++;
                assertThat(parsed.config().enabled()).as("%s %s %s", arguments, properties, environment).isFalse();
            }
        }
        assertThat(off).as("cases the switch decided").isGreaterThan(CASES / 50);
    }
}
