package io.deadunit.exporter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deadunit.exporter.config.AgentConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code /deadunits} behind the same gate as {@code /metrics}; the document itself is tested with its report. */
class DeadUnitsEndpointTest {
    private static final AgentConfig ANY_PORT = AgentConfig.builder().port(0).build();
    private static final String DOCUMENT = "{\"models\":[],\"truncated\":false}";

    @TempDir
    Path dir;

    private final Http http = new Http();
    private final List<String> asked = new ArrayList<>();
    private final DeadUnitsSource source = (model, layer) -> {
        asked.add(model + "/" + layer);
        return DOCUMENT;
    };
    private MetricsEndpoint endpoint;

    @AfterEach
    void close() {
        if (endpoint != null) {
            endpoint.close();
        }
    }

    @Test
    void getServesTheDocumentAsJson() throws IOException {
        endpoint = MetricsEndpoint.start(ANY_PORT, TestRegistries.oneCounter(), source);

        HttpResponse<String> response = http.get(endpoint.deadUnitsUrl());

        assertThat(endpoint.deadUnitsUrl()).isEqualTo(Http.base(endpoint) + "/deadunits");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");
        assertThat(response.body()).isEqualTo(DOCUMENT);
        assertThat(asked).containsExactly("null/null");
    }

    @Test
    void gzipWhenAskedAndStreamedChunked() throws Exception {
        endpoint = MetricsEndpoint.start(ANY_PORT, TestRegistries.oneCounter(), source);

        HttpResponse<byte[]> gzipped = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(endpoint.deadUnitsUrl())).header("Accept-Encoding", "gzip").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<String> plain = http.get(endpoint.deadUnitsUrl(), "Accept-Encoding", "gzip;q=0, identity");

        assertThat(gzipped.statusCode()).isEqualTo(200);
        assertThat(gzipped.headers().firstValue("Content-Encoding")).contains("gzip");
        assertThat(gzipped.headers().firstValue("Transfer-Encoding")).contains("chunked");
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped.body()))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(DOCUMENT);
        }
        assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(plain.body()).isEqualTo(DOCUMENT);
    }

    @Test
    void aSourceFailingHalfWayCutsTheAnswerInsteadOfEndingIt() throws Exception {
        DeadUnitsSource failing = new DeadUnitsSource() {
            @Override
            public String json(String model, String layer) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void write(String model, String layer, Appendable out) {
                try {
                    out.append("{\"models\":[" + "x".repeat(64 * 1024));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                throw new IllegalStateException("broken half-way");
            }
        };
        endpoint = MetricsEndpoint.start(ANY_PORT, TestRegistries.oneCounter(), failing);

        assertThatThrownBy(() -> http.get(endpoint.deadUnitsUrl())).isInstanceOf(UncheckedIOException.class);
    }

    @Test
    void headAnswersWithoutBuildingTheDocument() throws IOException {
        endpoint = MetricsEndpoint.start(ANY_PORT, TestRegistries.oneCounter(), source);

        HttpResponse<String> response = http.send("HEAD", endpoint.deadUnitsUrl());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEmpty();
        assertThat(asked).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "DELETE"})
    void otherMethodsAre405(String method) throws IOException {
        endpoint = MetricsEndpoint.start(ANY_PORT, TestRegistries.oneCounter(), source);

        HttpResponse<String> response = http.send(method, endpoint.deadUnitsUrl());

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.body()).isEmpty();
        assertThat(asked).isEmpty();
    }

    @Test
    void basicAuthGuardsIt() throws IOException {
        Path passwordFile = Files.writeString(dir.resolve("password"), "s3cret\n");
        AgentConfig config = AgentConfig.builder().port(0).user("scraper").passwordFile(passwordFile).build();
        endpoint = MetricsEndpoint.start(config, TestRegistries.oneCounter(), source);

        HttpResponse<String> none = http.get(endpoint.deadUnitsUrl());
        HttpResponse<String> wrong = http.get(endpoint.deadUnitsUrl(), "Authorization", basic("scraper", "nope"));
        HttpResponse<String> right = http.get(endpoint.deadUnitsUrl(), "Authorization", basic("scraper", "s3cret"));

        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(none.body()).doesNotContain("models");
        assertThat(right.statusCode()).isEqualTo(200);
        assertThat(right.body()).isEqualTo(DOCUMENT);
        assertThat(asked).containsExactly("null/null");
    }

    @Test
    void modelAndLayerFiltersArePassedDecoded() throws IOException {
        endpoint = MetricsEndpoint.start(ANY_PORT, TestRegistries.oneCounter(), source);

        HttpResponse<String> response = http.get(endpoint.deadUnitsUrl() + "?model=mnist%20net&layer=dense+1");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(asked).containsExactly("mnist net/dense 1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"?modle=x", "?model=a&secret=1", "?x"})
    void anyOtherQueryIs400(String query) throws IOException {
        endpoint = MetricsEndpoint.start(ANY_PORT, TestRegistries.oneCounter(), source);

        HttpResponse<String> response = http.get(endpoint.deadUnitsUrl() + query);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("model, layer").doesNotContain("Exception");
        assertThat(asked).isEmpty();
    }

    @Test
    void aMalformedEscapeIsRejected() {
        // The JDK client refuses to send one, so the parser is asked directly.
        assertThatThrownBy(() -> DeadUnitsHandler.filter("model=%zz")).isInstanceOf(IllegalArgumentException.class);
        assertThat(DeadUnitsHandler.filter("model=a&&layer=b&model=c")).containsExactly("c", "b");
    }

    @Test
    void aFailingSourceIs500WithoutDetails() throws IOException {
        endpoint = MetricsEndpoint.start(ANY_PORT, TestRegistries.oneCounter(), (model, layer) -> {
            throw new IllegalStateException("secret internals");
        });

        HttpResponse<String> response = http.get(endpoint.deadUnitsUrl());

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).doesNotContain("secret", "Exception", "\tat ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/deadunits/", "/deadunitsX", "/deadunits/x"})
    void nearbyPathsAre404(String path) throws IOException {
        endpoint = MetricsEndpoint.start(ANY_PORT, TestRegistries.oneCounter(), source);

        assertThat(http.get(Http.base(endpoint) + path).statusCode()).isEqualTo(404);
    }

    @Test
    void withoutASourceThereIsNoSuchPath() throws IOException {
        endpoint = MetricsEndpoint.start(ANY_PORT, TestRegistries.oneCounter());

        assertThat(http.get(endpoint.deadUnitsUrl()).statusCode()).isEqualTo(404);
        assertThat(http.get(Http.base(endpoint) + "/").body()).doesNotContain("/deadunits");
    }

    @Test
    void theIndexListsIt() throws IOException {
        endpoint = MetricsEndpoint.start(ANY_PORT, TestRegistries.oneCounter(), source);

        assertThat(http.get(Http.base(endpoint) + "/").body()).contains("/deadunits");
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
