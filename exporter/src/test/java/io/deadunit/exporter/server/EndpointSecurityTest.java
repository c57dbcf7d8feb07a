package io.deadunit.exporter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deadunit.exporter.config.AgentConfig;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointSecurityTest {
    private static final String KEYSTORE_PASSWORD = "changeit-1";

    @TempDir
    Path dir;

    private final Http http = new Http();
    private MetricsEndpoint endpoint;

    @AfterEach
    void close() {
        if (endpoint != null) {
            endpoint.close();
        }
    }

    private AgentConfig basicAuth(String passwordFileContent) throws IOException {
        Path passwordFile = Files.writeString(dir.resolve("password"), passwordFileContent);
        return AgentConfig.builder().port(0).user("scraper").passwordFile(passwordFile).build();
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void basicAuthLetsTheRightUserIn() throws IOException {
        endpoint = MetricsEndpoint.start(basicAuth("s3cret pass\r\n"), TestRegistries.oneCounter());

        HttpResponse<String> response = http.get(endpoint.url(), "Authorization", basic("scraper", "s3cret pass"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains(TestRegistries.COUNTER_LINE);
    }

    @Test
    void basicAuthTurnsAwayEveryoneElse() throws IOException {
        endpoint = MetricsEndpoint.start(basicAuth("s3cret\n"), TestRegistries.oneCounter());

        HttpResponse<String> none = http.get(endpoint.url());
        HttpResponse<String> wrongPassword = http.get(endpoint.url(), "Authorization", basic("scraper", "s3cret\n"));
        HttpResponse<String> wrongUser = http.get(endpoint.url(), "Authorization", basic("admin", "s3cret"));
        HttpResponse<String> health = http.get(endpoint.healthUrl());
        HttpResponse<String> unknownPath = http.get(Http.base(endpoint) + "/secret-path");

        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                value -> assertThat(value).startsWith("Basic realm=\"deadunit\""));
        assertThat(none.body()).doesNotContain(TestRegistries.COUNTER_LINE);
        assertThat(wrongPassword.statusCode()).isEqualTo(401);
        assertThat(wrongUser.statusCode()).isEqualTo(401);
        assertThat(health.statusCode()).isEqualTo(401);
        // Unauthenticated clients learn nothing about which paths exist.
        assertThat(unknownPath.statusCode()).isEqualTo(401);
    }

    @Test
    void aNonAsciiPasswordAuthenticatesAsUtf8() throws IOException {
        endpoint = MetricsEndpoint.start(basicAuth("pässwörd-日本-€\n"), TestRegistries.oneCounter());

        HttpResponse<String> utf8 = http.get(endpoint.url(), "Authorization", basic("scraper", "pässwörd-日本-€"));
        String latin1 = "Basic " + Base64.getEncoder().encodeToString(
                "scraper:pässwörd".getBytes(StandardCharsets.ISO_8859_1));
        HttpResponse<String> otherCharset = http.get(endpoint.url(), "Authorization", latin1);

        assertThat(utf8.statusCode()).isEqualTo(200);
        assertThat(utf8.body()).contains(TestRegistries.COUNTER_LINE);
        assertThat(otherCharset.statusCode()).isEqualTo(401);
        assertThat(otherCharset.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                value -> assertThat(value).contains("charset=\"UTF-8\""));
    }

    @Test
    void aNonAsciiUserAuthenticatesAsUtf8() throws IOException {
        Path passwordFile = Files.writeString(dir.resolve("password"), "s3cret");
        AgentConfig config = AgentConfig.builder().port(0).user("jürgen").passwordFile(passwordFile).build();
        endpoint = MetricsEndpoint.start(config, TestRegistries.oneCounter());

        assertThat(http.get(endpoint.url(), "Authorization", basic("jürgen", "s3cret")).statusCode()).isEqualTo(200);
        assertThat(http.get(endpoint.url(), "Authorization", "Basic !!notbase64").statusCode()).isEqualTo(401);
        assertThat(http.get(endpoint.url(), "Authorization", "Basic " + Base64.getEncoder().encodeToString(
                "nocolon".getBytes(StandardCharsets.UTF_8))).statusCode()).isEqualTo(401);
    }

    @Test
    void anEmptyPasswordFileIsRefused() throws IOException {
        AgentConfig config = basicAuth("\n");

        assertThatThrownBy(() -> MetricsEndpoint.start(config, TestRegistries.oneCounter()))
                .isInstanceOf(IOException.class).hasMessageContaining("passwordFile").hasMessageContaining("is empty");
    }

    @Test
    void halfABasicAuthPairRefusesToServe() {
        AgentConfig config = AgentConfig.builder().port(0).user("scraper").build();

        assertThatThrownBy(() -> MetricsEndpoint.start(config, TestRegistries.oneCounter()))
                .isInstanceOf(IOException.class)
                .hasMessage("basic auth needs both user and passwordFile but passwordFile is missing, so the "
                        + "metrics endpoint will not start.");
    }

    @Test
    void halfATlsPairRefusesToServe() {
        AgentConfig config = AgentConfig.builder().port(0).keystore(dir.resolve("ks.p12")).build();

        assertThatThrownBy(() -> MetricsEndpoint.start(config, TestRegistries.oneCounter()))
                .isInstanceOf(IOException.class).hasMessageStartingWith("TLS needs both keystore and keystorePasswordFile but keystorePasswordFile is missing");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PKCS12", "JKS"})
    void servesOverTlsFromAKeystore(String storeType) throws Exception {
        Path keystore = generateKeystore(storeType);
        Path passwordFile = Files.writeString(dir.resolve("keystore-password"), KEYSTORE_PASSWORD + "\n");
        AgentConfig config = AgentConfig.builder().port(0).keystore(keystore).keystorePasswordFile(passwordFile)
                .build();

        endpoint = MetricsEndpoint.start(config, TestRegistries.oneCounter());
        HttpResponse<String> response = new Http(trustingClient(keystore)).get(endpoint.url());

        assertThat(endpoint.url()).startsWith("https://127.0.0.1:");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains(TestRegistries.COUNTER_LINE);
        String plainUrl = endpoint.url().replace("https://", "http://");
        assertThatThrownBy(() -> http.get(plainUrl)).isInstanceOf(UncheckedIOException.class);
    }

    @Test
    void tlsIsPinnedToVersions12And13() throws Exception {
        Path keystore = generateKeystore("PKCS12");
        Path passwordFile = Files.writeString(dir.resolve("keystore-password"), KEYSTORE_PASSWORD);
        endpoint = MetricsEndpoint.start(AgentConfig.builder().port(0).keystore(keystore)
                .keystorePasswordFile(passwordFile).build(), TestRegistries.oneCounter());

        for (String version : new String[] {"TLSv1.2", "TLSv1.3"}) {
            assertThat(handshake(keystore, version)).as(version).isEqualTo(version);
        }
        for (String version : new String[] {"TLSv1", "TLSv1.1"}) {
            assertThatThrownBy(() -> handshake(keystore, version)).as(version).isInstanceOf(IOException.class);
        }
    }

    @Test
    void halfOpenTlsConnectionsDoNotStallHealth() throws Exception {
        Path keystore = generateKeystore("PKCS12");
        Path passwordFile = Files.writeString(dir.resolve("keystore-password"), KEYSTORE_PASSWORD);
        endpoint = MetricsEndpoint.start(AgentConfig.builder().port(0).keystore(keystore)
                .keystorePasswordFile(passwordFile).build(), TestRegistries.oneCounter());
        Http tlsHttp = new Http(trustingClient(keystore));
        // Warm up the client's TLS (the first handshake in a JVM is slow for reasons of its own), then measure what
        // a request takes on this machine right now.
        assertThat(tlsHttp.get(endpoint.healthUrl()).statusCode()).isEqualTo(200);
        AnswerTime answerTime = AnswerTime.unloaded(tlsHttp, endpoint.healthUrl());
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 100; i++) {
                Socket s = new Socket("127.0.0.1", endpoint.port());
                // The start of a TLS record header, then silence: the server waits inside the handshake.
                s.getOutputStream().write(new byte[] {0x16, 0x03, 0x01});
                s.getOutputStream().flush();
                held.add(s);
            }
            answerTime.assertQuick(endpoint.healthUrl());
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    /** The protocol a client offering only {@code version} ends up with. */
    private String handshake(Path keystore, String version) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustingManagers(keystore), null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", endpoint.port())) {
            socket.setSoTimeout(5000);
            socket.setEnabledProtocols(new String[] {version});
            socket.startHandshake();
            return socket.getSession().getProtocol();
        } catch (IllegalArgumentException unsupportedByThisClient) {
            throw new IOException(unsupportedByThisClient);
        }
    }

    @Test
    void tlsAndBasicAuthTogether() throws Exception {
        Path keystore = generateKeystore("PKCS12");
        Path keystorePassword = Files.writeString(dir.resolve("keystore-password"), KEYSTORE_PASSWORD);
        AgentConfig config = basicAuth("s3cret").toBuilder().keystore(keystore).keystorePasswordFile(keystorePassword)
                .build();

        endpoint = MetricsEndpoint.start(config, TestRegistries.oneCounter());
        Http tlsHttp = new Http(trustingClient(keystore));

        assertThat(tlsHttp.get(endpoint.url()).statusCode()).isEqualTo(401);
        assertThat(tlsHttp.get(endpoint.url(), "Authorization", basic("scraper", "s3cret")).statusCode())
                .isEqualTo(200);
    }

    @Test
    void aWrongKeystorePasswordNamesTheKeys() throws Exception {
        Path keystore = generateKeystore("PKCS12");
        Path wrong = Files.writeString(dir.resolve("wrong"), "not-the-password");
        AgentConfig config = AgentConfig.builder().port(0).keystore(keystore).keystorePasswordFile(wrong).build();

        assertThatThrownBy(() -> MetricsEndpoint.start(config, TestRegistries.oneCounter()))
                .isInstanceOf(IOException.class).hasMessageContaining("cannot load keystore " + keystore)
                .hasMessageContaining("keystore= and keystorePasswordFile=");
    }

    @Test
    void secretsLoseOnlyTheirTrailingLineBreaks() throws IOException {
        Path file = Files.writeString(dir.resolve("s"), " pass word \r\n\n");

        assertThat(new String(Secrets.read(file, "passwordFile"))).isEqualTo(" pass word ");
        assertThatThrownBy(() -> Secrets.read(dir.resolve("missing"), "passwordFile"))
                .isInstanceOf(IOException.class).hasMessageContaining("cannot read passwordFile");
    }

    private Path generateKeystore(String storeType) throws IOException, InterruptedException {
        Path keystore = dir.resolve("endpoint." + storeType.toLowerCase());
        String keytool = System.getProperty("java.home") + File.separator + "bin" + File.separator + "keytool";
        Process process = new ProcessBuilder(keytool, "-genkeypair", "-alias", "endpoint", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "san=ip:127.0.0.1,dns:localhost",
                "-validity", "2", "-storetype", storeType, "-keystore", keystore.toString(),
                "-storepass", KEYSTORE_PASSWORD, "-keypass", KEYSTORE_PASSWORD, "-noprompt")
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return keystore;
    }

    /** A client that trusts exactly the endpoint's self-signed certificate. */
    private static HttpClient trustingClient(Path keystore) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustingManagers(keystore), null);
        return HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static TrustManager[] trustingManagers(Path keystore) throws Exception {
        KeyStore store = KeyStore.getInstance(keystore.toFile(), KEYSTORE_PASSWORD.toCharArray());
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("endpoint", store.getCertificate("endpoint"));
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        return trust.getTrustManagers();
    }
}
