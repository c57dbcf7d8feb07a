package io.deadunit.exporter.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.deadunit.exporter.config.AgentConfig;
import io.deadunit.exporter.config.ConfigParser;
import io.deadunit.exporter.config.ParsedConfig;
import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 12, finding 1: the four security keys in every combination of absent, valid and unusable, each from a
 * random source (agent argument, system property, environment). Whatever the combination, the endpoint serves with
 * exactly the protection asked for or does not start; it never answers plain, unauthenticated HTTP when any
 * security key was given. The parser's warning says "will not start" exactly when the endpoint refuses.
 */
class SecurityKeysFuzzTest {
    private static final String KEYSTORE_PASSWORD = "changeit-1";
    private static final String[] KEYS = {"user", "passwordFile", "keystore", "keystorePasswordFile"};

    @TempDir
    static Path dir;
    private static String[] valid;
    private static String[] unusable;

    @BeforeAll
    static void files() throws Exception {
        Path keystore = dir.resolve("endpoint.p12");
        String keytool = System.getProperty("java.home") + File.separator + "bin" + File.separator + "keytool";
        Process process = new ProcessBuilder(keytool, "-genkeypair", "-alias", "endpoint", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=localhost", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", KEYSTORE_PASSWORD, "-keypass", KEYSTORE_PASSWORD,
                "-noprompt").redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Path password = Files.writeString(dir.resolve("password"), "s3cret\n");
        Path keystorePassword = Files.writeString(dir.resolve("keystore-password"), KEYSTORE_PASSWORD + "\n");
        valid = new String[] {"scraper", password.toString(), keystore.toString(), keystorePassword.toString()};
        // A user name with ':' and files that do not exist: each refused by the parser.
        unusable = new String[] {"a:b", dir.resolve("no-password").toString(), "/nonexistent.p12",
                dir.resolve("no-keystore-password").toString()};
    }

    /** Every combination of {absent, valid, unusable} for the four keys: 81 cases. */
    static Stream<int[]> combinations() {
        List<int[]> all = new ArrayList<>();
        for (int n = 0; n < 81; n++) {
            all.add(new int[] {n % 3, n / 3 % 3, n / 9 % 3, n / 27 % 3, n});
        }
        return all.stream();
    }

    @ParameterizedTest(name = "[{index}]")
    @MethodSource("combinations")
    void servesExactlyTheProtectionAskedForOrNothing(int[] states) throws IOException {
        Random random = new Random(states[4]);
        StringBuilder args = new StringBuilder("port=0");
        Map<String, String> properties = new HashMap<>();
        Map<String, String> environment = new HashMap<>();
        for (int k = 0; k < KEYS.length; k++) {
            if (states[k] == 0) {
                continue;
            }
            String value = states[k] == 1 ? valid[k] : unusable[k];
            switch (random.nextInt(3)) {
                case 0:
                    args.append(',').append(KEYS[k]).append('=').append(value);
                    break;
                case 1:
                    properties.put("deadunit." + KEYS[k], value);
                    break;
                default:
                    environment.put("DEADUNIT_" + KEYS[k].replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(), value);
            }
        }
        ParsedConfig parsed = ConfigParser.parse(args.toString(), properties, environment);
        AgentConfig config = parsed.config();
        boolean authAsked = states[0] != 0 || states[1] != 0;
        boolean tlsAsked = states[2] != 0 || states[3] != 0;
        boolean authValid = states[0] == 1 && states[1] == 1;
        boolean tlsValid = states[2] == 1 && states[3] == 1;
        boolean shouldServe = (!authAsked || authValid) && (!tlsAsked || tlsValid);
        String what = "case " + states[4] + ": " + args + " " + properties + " " + environment;

        MetricsEndpoint endpoint = null;
        try {
            endpoint = MetricsEndpoint.start(config, TestRegistries.oneCounter());
        } catch (IOException refused) {
            assertThat(refused.getMessage()).as(what).doesNotContain("\n");
        }
        try {
            assertThat(endpoint != null).as(what).isEqualTo(shouldServe);
            assertThat(parsed.warningLine().map(l -> l.contains("will not start")).orElse(false)).as(what)
                    .isEqualTo(!shouldServe);
            if (endpoint == null) {
                return;
            }
            assertThat(endpoint.url().startsWith("https://")).as(what).isEqualTo(tlsValid);
            int plain = statusOverPlainHttp(endpoint);
            if (tlsValid) {
                assertThat(plain).as(what + ": plain HTTP to a TLS endpoint").isEqualTo(-1);
            } else {
                assertThat(plain).as(what).isEqualTo(authValid ? 401 : 200);
            }
        } finally {
            if (endpoint != null) {
                endpoint.close();
            }
        }
    }

    /** The status of a plain-HTTP GET of /metrics without credentials; -1 when no HTTP answer comes. */
    private static int statusOverPlainHttp(MetricsEndpoint endpoint) {
        try {
            HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + endpoint.port() + "/metrics")
                    .openConnection();
            c.setConnectTimeout(5000);
            c.setReadTimeout(5000);
            int status = c.getResponseCode();
            c.disconnect();
            return status;
        } catch (IOException e) {
            return -1;
        }
    }
}
