package io.deadunit.exporter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deadunit.exporter.config.AgentConfig;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MetricsEndpointTest {
    private static final AgentConfig ANY_PORT = AgentConfig.builder().port(0).build();

    private final ExecutorService pool = Executors.newFixedThreadPool(10);
    private final Http http = new Http();
    private MetricsEndpoint endpoint;

    @AfterEach
    void close() {
        pool.shutdownNow();
        if (endpoint != null) {
            endpoint.close();
        }
    }

    @Test
    void servesTheRegistryAsPrometheusText() throws IOException {
        endpoint = MetricsEndpoint.start(ANY_PORT, TestRegistries.oneCounter());

        HttpResponse<String> response = http.get(endpoint.url());

        assertThat(endpoint.port()).isPositive();
        assertThat(endpoint.url()).isEqualTo("http://127.0.0.1:" + endpoint.port() + "/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain"));
        assertThat(response.body()).contains(TestRegistries.COUNTER_LINE);
    }

    @Test
    void servesOpenMetricsWhenAsked() throws IOException {
        endpoint = MetricsEndpoint.start(ANY_PORT, TestRegistries.oneCounter());

        HttpResponse<String> response = http.get(endpoint.url(), "Accept",
                "application/openmetrics-text; version=1.0.0; charset=utf-8");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/openmetrics-text"));
        assertThat(response.body()).contains("deadunit_test_hits_total 3.0").endsWith("# EOF\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {MetricsEndpoint.HEALTH_PATH, MetricsEndpoint.HEALTH_ALIAS_PATH})
    void healthPathsAnswer200(String path) throws IOException {
        endpoint = MetricsEndpoint.start(ANY_PORT, TestRegistries.oneCounter());

        HttpResponse<String> get = http.get(Http.base(endpoint) + path);
        HttpResponse<String> head = http.send("HEAD", Http.base(endpoint) + path);

        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.body()).isEqualTo("Exporter is healthy.\n");
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(endpoint.healthUrl()).isEqualTo(Http.base(endpoint) + MetricsEndpoint.HEALTH_PATH);
    }

    @Test
    void indexListsThePaths() throws IOException {
        endpoint = MetricsEndpoint.start(ANY_PORT, TestRegistries.oneCounter());

        HttpResponse<String> response = http.get(Http.base(endpoint) + "/");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("/metrics", "/-/healthy", "/health");
    }

    @Test
    void headOnMetricsSendsNoBody() throws IOException {
        endpoint = MetricsEndpoint.start(ANY_PORT, TestRegistries.oneCounter());

        HttpResponse<String> response = http.send("HEAD", endpoint.url());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "DELETE", "OPTIONS", "TRACE", "PATCH"})
    void onlyGetAndHeadAreAllowed(String method) throws IOException {
        endpoint = MetricsEndpoint.start(ANY_PORT, TestRegistries.oneCounter());

        HttpResponse<String> response = http.send(method, endpoint.url());

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).contains("GET, HEAD");
        assertThat(response.body()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/metricsX", "/metrics/", "/metrics/x", "/nope", "/-/healthyX", "/health/", "//metrics",
            "/%6Detrics/x"})
    void unknownPathsAre404(String path) throws IOException {
        endpoint = MetricsEndpoint.start(ANY_PORT, TestRegistries.oneCounter());

        HttpResponse<String> response = http.get(Http.base(endpoint) + path);

        assertThat(response.statusCode()).isEqualTo(404);
        // "//metrics" parses as an empty path and gets the JDK's own short HTML 404.
        assertThat(response.body()).doesNotContain("Exception", "\tat ", "deadunit_");
    }

    @Test
    void aFailingScrapeAnswers500WithoutDetails() throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register((Collector) () -> {
            throw new IllegalStateException("secret internals");
        });
        endpoint = MetricsEndpoint.start(ANY_PORT, registry);

        HttpResponse<String> response = http.get(endpoint.url());

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).doesNotContain("secret internals", "IllegalStateException", "\tat ");
    }

    @Test
    void aBusyPortGivesOneClearSentence() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            AgentConfig config = AgentConfig.builder().port(taken.getLocalPort()).build();

            assertThatThrownBy(() -> MetricsEndpoint.start(config, TestRegistries.oneCounter()))
                    .isInstanceOf(IOException.class)
                    .hasMessage("127.0.0.1:" + taken.getLocalPort() + " is already in use; choose another port with "
                            + "port=<n> (port=0 picks a free one).");
        }
    }

    @Test
    void aSecondEndpointOnTheSamePortIsRefused() throws IOException {
        endpoint = MetricsEndpoint.start(ANY_PORT, TestRegistries.oneCounter());
        AgentConfig samePort = AgentConfig.builder().port(endpoint.port()).build();

        assertThatThrownBy(() -> MetricsEndpoint.start(samePort, TestRegistries.oneCounter()))
                .isInstanceOf(IOException.class).hasMessageContaining(":" + endpoint.port() + " is already in use");
        assertThat(http.get(endpoint.url()).statusCode()).isEqualTo(200);
    }

    @Test
    void anUnresolvableHostIsNamed() {
        AgentConfig config = AgentConfig.builder().host("no-such-host.invalid").port(0).build();

        assertThatThrownBy(() -> MetricsEndpoint.start(config, TestRegistries.oneCounter()))
                .isInstanceOf(IOException.class).hasMessageContaining("no-such-host.invalid")
                .hasMessageContaining("host=");
    }

    @Test
    void everyThreadTheEndpointCreatesIsADaemon() throws IOException {
        Set<Thread> before = Thread.getAllStackTraces().keySet();

        endpoint = MetricsEndpoint.start(ANY_PORT, TestRegistries.oneCounter());
        for (int i = 0; i < 5; i++) {
            http.get(endpoint.url());
        }

        Set<Thread> created = Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t))
                .collect(Collectors.toSet());
        assertThat(created).isNotEmpty();
        assertThat(created).allSatisfy(t -> assertThat(t.isDaemon()).as(t.getName()).isTrue());
        // The accept thread stays; each connection's thread ends with its connection. How many scrapes run at
        // once is bounded separately (next test).
        assertThat(created.stream().filter(t -> t.getName().equals("deadunit-http-accept")).count()).isEqualTo(1);
    }

    @Test
    void atMostTwoScrapesRunAtOnceHoweverManyClientsAsk() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        MetricSnapshot counter = TestRegistries.oneCounter().scrape().stream().findFirst().orElseThrow();
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register((Collector) () -> {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                running.decrementAndGet();
            }
            return counter;
        });
        endpoint = MetricsEndpoint.start(ANY_PORT, registry);

        List<CompletableFuture<Integer>> scrapes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            scrapes.add(CompletableFuture.supplyAsync(() -> http.get(endpoint.url()).statusCode(), pool));
        }

        for (CompletableFuture<Integer> scrape : scrapes) {
            assertThat(scrape.get()).isEqualTo(200);
        }
        assertThat(mostAtOnce.get()).isBetween(1, Router.BUSY_HANDLERS);
    }

    @Test
    void theClientsJvmWideServerPropertiesAreNotSet() throws IOException {
        endpoint = MetricsEndpoint.start(ANY_PORT, TestRegistries.oneCounter());
        http.get(endpoint.url());

        assertThat(System.getProperty("sun.net.httpserver.maxReqTime")).isNull();
        assertThat(System.getProperty("sun.net.httpserver.maxRspTime")).isNull();
    }

    @Test
    void closeFreesThePortQuickly() throws IOException {
        endpoint = MetricsEndpoint.start(ANY_PORT, TestRegistries.oneCounter());
        int port = endpoint.port();
        http.get(endpoint.url());

        long start = System.nanoTime();
        endpoint.close();
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(millis).isLessThan(1000);
        try (ServerSocket again = new ServerSocket(port, 50, InetAddress.getByName("127.0.0.1"))) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
        endpoint.close(); // idempotent
    }

    @Test
    void closeDoesNotWaitForAHangingScrape() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register((Collector) () -> {
            try {
                Thread.sleep(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("interrupted");
        });
        endpoint = MetricsEndpoint.start(ANY_PORT, registry);
        CompletableFuture<?> scrape = CompletableFuture.runAsync(() -> {
            try {
                http.get(endpoint.url());
            } catch (RuntimeException expected) {
                // the connection is cut
            }
        });
        Thread.sleep(300);

        long start = System.nanoTime();
        endpoint.close();
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(millis).isLessThan(1000);
        scrape.get();
    }
}
