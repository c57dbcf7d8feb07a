package io.deadunit.exporter.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigParserTest {

    private static Arguments good(String args, UnaryOperator<AgentConfig.Builder> expected) {
        return Arguments.of(args, expected.apply(AgentConfig.builder()).build());
    }

    private static final String TMP = System.getProperty("java.io.tmpdir");

    static Stream<Arguments> goodArguments() {
        return Stream.of(
                good(null, b -> b),
                good("", b -> b),
                good("   ", b -> b),
                good(",,,", b -> b),
                good("port=9500", b -> b.port(9500)),
                good("port=0", b -> b.port(0)),
                good("port=+80", b -> b.port(80)),
                good(" port = 9500 , sampleEvery = 5 ", b -> b.port(9500).sampleEvery(5)),
                good("PORT=9500,SampleEvery=3", b -> b.port(9500).sampleEvery(3)),
                good(",,port=1,,,", b -> b.port(1)),
                good("port=9000,port=9001", b -> b.port(9001)),
                good("enabled=false", b -> b.enabled(false)),
                good("enabled=NO,jmx=off,summary=0", b -> b.enabled(false).jmx(false).summary(false)),
                good("jmx=yes,summary=on,enabled=1", b -> b),
                good("window=1,sampleEvery=1,maxLayers=1", b -> b.window(1).sampleEvery(1).maxLayers(1)),
                good("window=1000000,sampleEvery=1000000,maxLayers=100000",
                        b -> b.window(1_000_000).sampleEvery(1_000_000).maxLayers(100_000)),
                good("sampleEvery=007", b -> b.sampleEvery(7)),
                good("phases=train", b -> b.phases(true, false)),
                good("phases=inference", b -> b.phases(false, true)),
                good("phases=train+inference", b -> b.phases(true, true)),
                good("phases=train;inference", b -> b.phases(true, true)),
                good("phases=INFERENCE + Train", b -> b.phases(true, true)),
                good("phases=train,inference", b -> b.phases(true, true)),
                good("phases=inference,train,port=9000", b -> b.phases(true, true).port(9000)),
                good("port=9000,phases=inference , train", b -> b.phases(true, true).port(9000)),
                good("host=0.0.0.0", b -> b.host("0.0.0.0")),
                good("host=localhost", b -> b.host("localhost")),
                good("host=my-host_1.example.com.", b -> b.host("my-host_1.example.com.")),
                good("host=::1", b -> b.host("::1")),
                good("host=[::1]", b -> b.host("::1")),
                good("host=[fe80::1]", b -> b.host("fe80::1")),
                good("model=mnist-mlp", b -> b.model("mnist-mlp")),
                good("model=réseau 数字", b -> b.model("réseau 数字")),
                good("model=a=b", b -> b.model("a=b")),
                good("port=9404-9420", b -> b.portRange(9404, 9420)),
                good("port= 9404 - 9404 ", b -> b.port(9404)),
                good("port=1-65535", b -> b.portRange(1, 65535)),
                good("labels=app:sweep-7;trial:3", b -> b.labels(Map.of("app", "sweep-7", "trial", "3"))),
                good("labels= app : a b ;; _x:ü:v ;", b -> b.labels(Map.of("app", "a b", "_x", "ü:v"))),
                good("labels=app:application_1700000000000_0001;executor:12",
                        b -> b.labels(Map.of("app", "application_1700000000000_0001", "executor", "12"))),
                good("targetsDir=" + TMP, b -> b.targetsDir(java.nio.file.Paths.get(TMP))),
                good("targetHost=trainer-1.example.com", b -> b.targetHost("trainer-1.example.com")),
                good("revive=true", b -> b.revive(true)),
                good("revive=on,reviveEvery=3", b -> b.revive(true).reviveEvery(3)),
                good("reviveEvery=1000000", b -> b.reviveEvery(1_000_000)),
                good("revive=false,reviveEvery=2", b -> b.reviveEvery(2)),
                good("diagnoseAt=0.25", b -> b.diagnoseAt(0.25)),
                good("diagnoseAt=1", b -> b.diagnoseAt(1)),
                good("diagnoseAt=.9", b -> b.diagnoseAt(0.9)),
                good("DiagnoseAt=0.5000", b -> b.diagnoseAt(0.5)),
                good("sampleEvery=5,window=50,phases=train+inference,model=m1,summary=false,maxLayers=10,jmx=false,"
                        + "host=0.0.0.0,port=0,enabled=true",
                        b -> b.sampleEvery(5).window(50).phases(true, true).model("m1").summary(false).maxLayers(10)
                                .jmx(false).host("0.0.0.0").port(0)));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("goodArguments")
    void goodArgumentsApply(String args, AgentConfig expected) {
        ParsedConfig parsed = ConfigParser.parse(args, Map.of(), Map.of());

        assertThat(parsed.config()).isEqualTo(expected);
        assertThat(parsed.problems()).isEmpty();
        assertThat(parsed.warningLine()).isEmpty();
    }

    private static Arguments bad(String args, UnaryOperator<AgentConfig.Builder> expected, String... fragments) {
        return Arguments.of(args, expected.apply(AgentConfig.builder()).build(), fragments);
    }

    static Stream<Arguments> badArguments() {
        String integerPort = "expected a whole number from 0 to 65535";
        return Stream.of(
                bad("port=abc", b -> b, "port=abc: " + integerPort),
                bad("port=70000", b -> b, "port=70000: " + integerPort),
                bad("port=-1", b -> b, "port=-1"),
                bad("port=99999999999999999999999999", b -> b, "port=9999999999"),
                bad("port=", b -> b, "port is empty: " + integerPort),
                bad("port=80.5", b -> b, "port=80.5"),
                bad("port=9420-9404", b -> b, "port=9420-9404: " + integerPort),
                bad("port=0-10", b -> b, "port=0-10"),
                bad("port=9404-70000", b -> b, "port=9404-70000"),
                bad("port=9404-", b -> b, "port=9404-"),
                bad("port=-9404", b -> b, "port=-9404"),
                bad("port=9404--9410", b -> b, "port=9404--9410"),
                bad("labels=", b -> b, "labels is empty"),
                bad("labels=app", b -> b, "labels=app ('app' is not name:value): expected name:value pairs"),
                bad("labels=1app:x", b -> b, "label name '1app' must match [a-zA-Z_][a-zA-Z0-9_]*"),
                bad("labels=my-app:x", b -> b, "label name 'my-app' must match"),
                bad("labels=__name__:x", b -> b, "label name '__name__' is reserved"),
                bad("labels=layer:x", b -> b, "label name 'layer' is reserved"),
                bad("labels=instance:x;app:y", b -> b, "label name 'instance' is reserved"),
                bad("labels=job:x", b -> b, "'job' is reserved"),
                bad("labels=le:x", b -> b, "'le' is reserved"),
                bad("labels=app:", b -> b, "label app needs a value of 1 to 100 printable characters"),
                bad("labels=app:x;app:y", b -> b, "label app is given twice"),
                bad("labels=a:1;b:1;c:1;d:1;e:1;f:1;g:1;h:1;i:1;j:1;k:1", b -> b, "at most 10 labels, got 11"),
                bad("labels=" + "n".repeat(65) + ":x", b -> b, "have at most 64 characters"),
                bad("labels=app:" + "v".repeat(101), b -> b, "label app needs a value of 1 to 100"),
                bad("targetsDir=/nonexistent/deadunit-targets", b -> b,
                        "targetsDir=/nonexistent/deadunit-targets (/nonexistent/deadunit-targets is not an existing "
                                + "directory): expected the path of an existing directory"),
                bad("targetsDir=", b -> b, "targetsDir is empty"),
                bad("targetHost=bad host", b -> b, "targetHost=bad host: expected a host name"),
                bad("sampleEvery=0", b -> b, "sampleEvery=0: expected a whole number from 1 to 1000000"),
                bad("sampleEvery=1000001", b -> b, "sampleEvery=1000001"),
                bad("sampleEvery=١٢", b -> b, "sampleEvery=١٢"),
                bad("sampleEvery=1e3", b -> b, "sampleEvery=1e3"),
                bad("window=0", b -> b, "window=0"),
                bad("maxLayers=-5", b -> b, "maxLayers=-5: expected a whole number from 1 to 100000"),
                bad("enabled=maybe", b -> b, "enabled=maybe: expected true or false"),
                bad("host=999.1.1.1", b -> b, "host=999.1.1.1: expected a host name or IP address"),
                bad("host=bad host", b -> b, "host=bad host"),
                bad("host=", b -> b, "host is empty"),
                bad("host=a..b", b -> b, "host=a..b"),
                bad("host=:::1:::", b -> b, "host=:::1:::"),
                bad("host=*", b -> b, "host=*"),
                bad("phases=", b -> b, "phases is empty: expected train, inference"),
                bad("phases=train+eval", b -> b, "phases=train+eval"),
                bad("phases=train,eval", b -> b, "phases=train,eval"),
                bad("phases=train,port=1,inference", b -> b.port(1), "'inference' is not key=value"),
                bad("model=", b -> b, "model is empty"),
                bad("revive=sometimes", b -> b, "revive=sometimes: expected true or false"),
                bad("reviveEvery=0", b -> b, "reviveEvery=0: expected a whole number from 1 to 1000000"),
                bad("revive=true,reviveEvery=x", b -> b.revive(true), "reviveEvery=x"),
                bad("diagnoseAt=0", b -> b, "diagnoseAt=0: expected a number greater than 0 and at most 1"),
                bad("diagnoseAt=1.5", b -> b, "diagnoseAt=1.5"),
                bad("diagnoseAt=-0.5", b -> b, "diagnoseAt=-0.5"),
                bad("diagnoseAt=NaN", b -> b, "diagnoseAt=NaN"),
                bad("diagnoseAt=5e-1", b -> b, "diagnoseAt=5e-1"),
                bad("diagnoseAt=50%", b -> b, "diagnoseAt=50%"),
                bad("model=" + "x".repeat(101), b -> b, "model=xxxxxxxxxx", "..."),
                bad("user=a:b", b -> b.reject(ConfigKey.USER), "user=a:b: expected a name",
                        "so the metrics endpoint will not start"),
                bad("foo=1", b -> b, "unknown key foo", "known keys: enabled, host, port, sampleEvery"),
                bad("Foo=1,bar=2", b -> b, "unknown key Foo", "unknown key bar"),
                bad("password=hunter2", b -> b, "password is not accepted", "passwordFile=<path>"),
                bad("PASSWORD=hunter2", b -> b, "PASSWORD is not accepted"),
                bad("keystorePassword=hunter2", b -> b, "keystorePasswordFile=<path>"),
                bad("===", b -> b, "'===' is not key=value"),
                bad("=5", b -> b, "'=5' is not key=value"),
                bad("portx", b -> b, "'portx' is not key=value"),
                bad("port=abc,sampleEvery=5", b -> b.sampleEvery(5), "port=abc"),
                bad("sampleEvery=5,window=x,jmx=false", b -> b.sampleEvery(5).jmx(false), "window=x"),
                bad("user=bob", b -> b.user("bob"), "basic auth needs both user and passwordFile",
                        "so the metrics endpoint will not start"),
                bad("passwordFile=/nonexistent/deadunit-pw", b -> b.reject(ConfigKey.PASSWORD_FILE),
                        "passwordFile=/nonexistent/deadunit-pw: "
                        + "expected the path of a readable file"),
                bad("keystore=/nonexistent/ks.p12", b -> b.reject(ConfigKey.KEYSTORE), "keystore=/nonexistent/ks.p12",
                        "so the metrics endpoint will not start"),
                bad("model=line\nbreak", b -> b, "model=line?break"),
                bad("model=tab\there", b -> b, "model=tab?here"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("badArguments")
    void badArgumentsAreReportedOnOneLineAndKeepDefaults(String args, AgentConfig expected, String[] fragments) {
        ParsedConfig parsed = ConfigParser.parse(args, Map.of(), Map.of());

        assertThat(parsed.config()).isEqualTo(expected);
        assertThat(parsed.problems()).isNotEmpty();
        String line = parsed.warningLine().orElseThrow();
        assertThat(line).startsWith("deadunit: ").endsWith("; using defaults for those keys, training continues.")
                .doesNotContain("\n", "\r", "\u2028", "\u2029", "\u0085");
        assertThat(line).contains(fragments);
        assertThat(line).doesNotContain("hunter2");
    }

    /**
     * The shipped rules treat a pushed group as stale 300 s after its last push: a longer pushEvery applies as
     * asked, with one line of its own (not the problems line), and only when something is pushed at all.
     */
    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
            "pushgateway=http://gw:9091,pushEvery=301  | 301",
            "pushgateway=http://gw:9091,pushEvery=3600 | 3600",
            "pushgateway=http://gw:9091,pushEvery=300  | ",
            "pushgateway=http://gw:9091                | ",
            "pushEvery=3600                            | "})
    void aPushIntervalLongerThanTheStaleWindowIsOneLineAtStart(String args, Integer warnedSeconds) {
        ParsedConfig parsed = ConfigParser.parse(args, Map.of(), Map.of());

        assertThat(parsed.problems()).isEmpty();
        assertThat(parsed.warningLine()).isEmpty();
        if (warnedSeconds == null) {
            assertThat(parsed.adviceLine()).isEmpty();
            return;
        }
        assertThat(parsed.config().pushEvery()).as("applied as asked").isEqualTo(warnedSeconds);
        assertThat(parsed.adviceLine()).hasValueSatisfying(line -> assertThat(line)
                .startsWith("deadunit: pushEvery=" + warnedSeconds + " is longer than the 300 s after which")
                .contains("deadunit:push_group:stale", "use pushEvery=300 or less")
                .doesNotContain("\n"));
    }

    @Test
    void agentArgumentsBeatSystemPropertiesWhichBeatEnvironment() {
        Map<String, String> env = Map.of("DEADUNIT_PORT", "1001", "DEADUNIT_SAMPLE_EVERY", "3", "DEADUNIT_WINDOW",
                "33", "DEADUNIT_MAX_LAYERS", "7");
        Map<String, String> props = Map.of("deadunit.port", "1002", "deadunit.sampleEvery", "4");

        AgentConfig config = ConfigParser.parse("port=1003", props, env).config();

        assertThat(config.port()).isEqualTo(1003);
        assertThat(config.sampleEvery()).isEqualTo(4);
        assertThat(config.window()).isEqualTo(33);
        assertThat(config.maxLayers()).isEqualTo(7);
    }

    @Test
    void environmentAcceptsSnakeCaseAndRunTogetherNames() {
        assertThat(ConfigParser.parse("", Map.of(), Map.of("DEADUNIT_SAMPLE_EVERY", "5")).config().sampleEvery())
                .isEqualTo(5);
        assertThat(ConfigParser.parse("", Map.of(), Map.of("DEADUNIT_SAMPLEEVERY", "6")).config().sampleEvery())
                .isEqualTo(6);
        ParsedConfig parsed = ConfigParser.parse("", Map.of(),
                Map.of("DEADUNIT_KEYSTORE_PASSWORD_FILE", "/nonexistent", "DEADUNIT_PHASES", "train,inference",
                        "deadunit_jmx", "false", "PATH", "/usr/bin", "DEADUNITX", "1"));
        assertThat(parsed.config().observesInference()).isTrue();
        assertThat(parsed.config().jmx()).isFalse();
        assertThat(parsed.problems()).containsExactly(
                "DEADUNIT_KEYSTORE_PASSWORD_FILE=/nonexistent: expected the path of a readable file holding the "
                        + "keystore password",
                "keystorePasswordFile was given but cannot be used (TLS needs both keystore and "
                        + "keystorePasswordFile), so the metrics endpoint will not start");
    }

    @Test
    void systemPropertyKeysMatchCaseInsensitively() {
        ParsedConfig parsed = ConfigParser.parse(null,
                Map.of("deadunit.sampleevery", "8", "DeadUnit.Window", "80", "java.version", "17"), Map.of());

        assertThat(parsed.config().sampleEvery()).isEqualTo(8);
        assertThat(parsed.config().window()).isEqualTo(80);
        assertThat(parsed.problems()).isEmpty();
    }

    @Test
    void unknownPropertiesAndVariablesAreReportedByTheirFullName() {
        ParsedConfig parsed = ConfigParser.parse("", Map.of("deadunit.prot", "1"), Map.of("DEADUNIT_FOO", "1"));

        assertThat(parsed.problems()).containsExactlyInAnyOrder("unknown key -Ddeadunit.prot",
                "unknown key DEADUNIT_FOO");
        assertThat(parsed.warningLine().orElseThrow()).contains("known keys: ");
    }

    @Test
    void passwordsAreRefusedFromEverySource() {
        ParsedConfig parsed = ConfigParser.parse("", Map.of("deadunit.password", "hunter2"),
                Map.of("DEADUNIT_PASSWORD", "hunter2", "DEADUNIT_KEYSTORE_PASSWORD", "hunter2"));

        assertThat(parsed.problems()).hasSize(3);
        assertThat(parsed.warningLine().orElseThrow()).doesNotContain("hunter2").contains("passwordFile=<path>",
                "keystorePasswordFile=<path>", "visible in ps");
    }

    @Test
    void aBadValueFallsBackToTheDefaultNotToALowerSource() {
        ParsedConfig parsed = ConfigParser.parse("port=nope", Map.of("deadunit.port", "1002"), Map.of());

        assertThat(parsed.config().port()).isEqualTo(9404);
        assertThat(parsed.problems()).containsExactly("port=nope: expected a whole number from 0 to 65535 "
                + "(0 picks a free port) or a range such as 9404-9420 (the first free port wins)");
    }

    @Test
    void nullMapsAndNullEntriesAreIgnored() {
        Map<String, String> withNulls = new java.util.HashMap<>();
        withNulls.put(null, "1");
        withNulls.put("deadunit.port", null);

        assertThat(ConfigParser.parse(null, null, null).config()).isEqualTo(AgentConfig.defaults());
        assertThat(ConfigParser.parse(null, withNulls, withNulls).problems()).isEmpty();
    }

    @Test
    void completeSecurityPairsParseWithoutProblems(@TempDir Path dir) throws IOException {
        Path password = Files.writeString(dir.resolve("pw"), "s3cret\n");
        Path keystore = Files.writeString(dir.resolve("ks.p12"), "not really a keystore, checked at start");

        ParsedConfig parsed = ConfigParser.parse("user=scraper,passwordFile=" + password + ",keystore=" + keystore
                + ",keystorePasswordFile=" + password, Map.of(), Map.of());

        assertThat(parsed.problems()).isEmpty();
        assertThat(parsed.config().basicAuth()).isTrue();
        assertThat(parsed.config().tls()).isTrue();
        assertThat(parsed.config().passwordFile()).contains(password);
        assertThat(parsed.config().missingSecurityPartner()).isEmpty();
    }

    @Test
    void halfPairsAreKeptSoThatTheEndpointCanRefuseToStart(@TempDir Path dir) throws IOException {
        Path keystore = Files.writeString(dir.resolve("ks.p12"), "x");

        ParsedConfig parsed = ConfigParser.parse("keystore=" + keystore, Map.of(), Map.of());

        assertThat(parsed.config().missingSecurityPartner()).contains("keystorePasswordFile");
        assertThat(parsed.warningLine().orElseThrow()).contains("TLS needs both keystore and keystorePasswordFile");
    }

    @Test
    void manyProblemsAreCountedNotListed() {
        ParsedConfig parsed = ConfigParser.parse("a=1,b=2,c=3,d=4,e=5,f=6,g=7,h=8", Map.of(), Map.of());

        assertThat(parsed.problems()).hasSize(8);
        assertThat(parsed.warningLine().orElseThrow()).contains("unknown key e", "; and 3 more")
                .doesNotContain("unknown key f");
    }

    @Test
    void tenKilobytesOfJunkDoNotMakeALongLine() {
        String junk = "x=1,".repeat(2500);

        ParsedConfig parsed = ConfigParser.parse(junk, Map.of(), Map.of());

        assertThat(parsed.config()).isEqualTo(AgentConfig.defaults());
        assertThat(parsed.warningLine().orElseThrow()).hasSizeLessThan(600).contains("and 2495 more");
    }

    @Test
    void environmentNamesAreUpperSnakeCase() {
        assertThat(ConfigKey.SAMPLE_EVERY.environmentName()).isEqualTo("DEADUNIT_SAMPLE_EVERY");
        assertThat(ConfigKey.KEYSTORE_PASSWORD_FILE.environmentName()).isEqualTo("DEADUNIT_KEYSTORE_PASSWORD_FILE");
        assertThat(ConfigKey.JMX.environmentName()).isEqualTo("DEADUNIT_JMX");
    }
}
