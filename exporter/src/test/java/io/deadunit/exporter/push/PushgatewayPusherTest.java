package io.deadunit.exporter.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.deadunit.exporter.Exporter;
import io.deadunit.exporter.config.AgentConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
        StubReceiver gateway = StubReceiver.answering200((exchange, body) -> requests.add(
                exchange.getRequestMethod() + " " + exchange.getRequestURI() + "\n"
                        + new String(body, StandardCharsets.UTF_8)));
        try {
            AgentConfig config = AgentConfig.builder().port(0).jmx(false)
                    .labels(Map.of("app", "sweep")).pushEvery(1)
                    .pushgateway(gateway.url()).build();
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
            gateway.close();
        }
        assertThat(stderr.toString(StandardCharsets.UTF_8)).doesNotContain("cannot push");
    }

    /**
     * The race behind an earlier flaky run: close() used to interrupt a periodic push under way, which counted a
     * failure (one "cannot push" line, and a final body saying 1 failure) although the Pushgateway was fine. Here
     * the stand-in holds the first periodic push for 1 s and close() is called while it is held.
     */
    @Test
    void aPushUnderWayAtCloseFinishesAndTheFinalPushFollowsIt() throws Exception {
        List<String> requests = new CopyOnWriteArrayList<>();
        CountDownLatch firstArrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        StubReceiver gateway = StubReceiver.start(exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            boolean first;
            synchronized (requests) {
                first = requests.isEmpty();
                requests.add(body);
            }
            if (first) {
                firstArrived.countDown();
                try {
                    release.await(1, TimeUnit.SECONDS); // still under close()'s 2 s grace for a push under way
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        try {
            AgentConfig config = AgentConfig.builder().port(0).jmx(false)
                    .labels(Map.of("app", "held")).pushEvery(1)
                    .pushgateway(gateway.url()).build();
            Exporter exporter = Exporter.start(config, log);
            assertThat(firstArrived.await(20, TimeUnit.SECONDS)).as("a periodic push within 20 s").isTrue();
            exporter.close(); // while the first push waits for its answer
            assertThat(requests).as("the push under way, then the final push").hasSize(2);
            assertThat(requests.get(1)).contains("deadunit_agent_push_failures_total{app=\"held\"} 0.0");
            assertThat(exporter.registry().get("deadunit.agent.push.failures").counter().count()).isZero();
        } finally {
            release.countDown();
            gateway.close();
        }
        assertThat(stderr.toString(StandardCharsets.UTF_8)).doesNotContain("cannot push");
    }

    /** A Pushgateway that accepts and never answers: close() cuts the push under way after 2 s, the final after 2. */
    @Test
    void aHangingGatewayDelaysCloseByAtMostTheDocumentedBound() throws Exception {
        CountDownLatch arrived = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        StubReceiver gateway = StubReceiver.start(exchange -> {
            exchange.getRequestBody().readAllBytes();
            arrived.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        try {
            AgentConfig config = AgentConfig.builder().port(0).jmx(false).pushEvery(1)
                    .pushgateway(gateway.url()).build();
            Exporter exporter = Exporter.start(config, log);
            assertThat(arrived.await(20, TimeUnit.SECONDS)).as("a periodic push within 20 s").isTrue();
            long start = System.nanoTime();
            exporter.close();
            Duration closing = Duration.ofNanos(System.nanoTime() - start);
            Duration bound = PushgatewayPusher.FINAL_PUSH_TIMEOUT.multipliedBy(2);
            // Both waits really happened (the periodic push was let run, the final one timed out)...
            assertThat(closing).as("close with a hanging Pushgateway").isGreaterThanOrEqualTo(bound.minusMillis(100))
                    // ...and nothing else: 1.5 s of slack for a loaded machine, less than a third 2 s wait.
                    .isLessThan(bound.plusMillis(1500));
            assertThat(exporter.registry().get("deadunit.agent.push.failures").counter().count())
                    .as("the final push timed out; the cut periodic one is not a failure").isEqualTo(1.0);
        } finally {
            release.countDown();
            gateway.close();
        }
        assertThat(stderr.toString(StandardCharsets.UTF_8).split("\\R"))
                .filteredOn(l -> l.contains("cannot push")).hasSize(1);
    }

    @Test
    void aDownGatewayIsOneLineAndACountAndCloseIsBounded() throws Exception {
        int closedPort = StubReceiver.closedPort();
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
