package io.deadunit.exporter.push;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.deadunit.exporter.Exporter;
import io.deadunit.exporter.config.AgentConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Pushes against a Pushgateway stand-in (the real Pushgateway is not fetched by the exporter's unit tests). */
class PushgatewayPusherTest {
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final PrintStream log = new PrintStream(stderr, true, StandardCharsets.UTF_8);

    @Test
    void groupingKeyIsTheIdentityWithAwkwardValuesEncoded() {
        URI uri = PushgatewayPusher.groupUri(URI.create("http://gw:9091/"), Map.of("app", "a/b"));
        assertThat(uri.toString()).isEqualTo("http://gw:9091/metrics/job/deadunit/app@base64/YS9i");
        assertThat(PushgatewayPusher.groupUri(URI.create("http://gw:9091"), Map.of("app", "x y")).toString())
                .isEqualTo("http://gw:9091/metrics/job/deadunit/app/x%20y");
        assertThat(PushGrouping.of(Map.of())).containsOnlyKeys("host", "pid")
                .containsEntry("pid", Long.toString(ProcessHandle.current().pid()));
    }

    @Test
    void pushesPeriodicallyAndOnceMoreAtClose() throws Exception {
        List<String> requests = new CopyOnWriteArrayList<>();
        HttpServer gateway = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        gateway.createContext("/", exchange -> {
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + "\n"
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        gateway.start();
        try {
            AgentConfig config = AgentConfig.builder().port(0).jmx(false)
                    .labels(Map.of("app", "sweep")).pushEvery(1)
                    .pushgateway(URI.create("http://127.0.0.1:" + gateway.getAddress().getPort())).build();
            Exporter exporter = Exporter.start(config, log);
            assertThat(exporter.awaitPublishing(Duration.ofSeconds(10))).isTrue();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (requests.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(requests).as("a periodic push within 20 s").isNotEmpty();
            int before = requests.size();
            exporter.close();
            assertThat(requests.size()).as("one more push at close").isGreaterThan(before);
            String last = requests.get(requests.size() - 1);
            assertThat(last).startsWith("PUT /metrics/job/deadunit/app/sweep\n")
                    .contains("deadunit_agent_push_failures_total{app=\"sweep\"} 0.0");
        } finally {
            gateway.stop(0);
        }
        assertThat(stderr.toString(StandardCharsets.UTF_8)).doesNotContain("cannot push");
    }

    @Test
    void aDownGatewayIsOneLineAndACountAndCloseIsBounded() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        AgentConfig config = AgentConfig.builder().port(0).jmx(false).pushEvery(1)
                .pushgateway(URI.create("http://127.0.0.1:" + closedPort)).build();
        Exporter exporter = Exporter.start(config, log);
        assertThat(exporter.awaitPublishing(Duration.ofSeconds(10))).isTrue();
        Thread.sleep(3500);
        long start = System.nanoTime();
        exporter.close();
        Duration closing = Duration.ofNanos(System.nanoTime() - start);
        assertThat(closing).as("close with the Pushgateway down").isLessThan(Duration.ofSeconds(6));
        double failures = exporter.registry().get("deadunit.agent.push.failures").counter().count();
        assertThat(failures).as("failed pushes counted").isGreaterThanOrEqualTo(2);
        String[] lines = stderr.toString(StandardCharsets.UTF_8).split("\\R");
        assertThat(lines).filteredOn(l -> l.contains("cannot push")).hasSize(1)
                .allSatisfy(l -> assertThat(l).startsWith("deadunit: cannot push to the Pushgateway at http://127.0.0.1:"
                        + closedPort + "/metrics/job/deadunit/host/"));
    }
}
