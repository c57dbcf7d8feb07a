package io.deadunit.exporter.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.deadunit.exporter.config.AgentConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Slow and half-open clients (issue 12, finding 2): they must not stall the health probe or a scrape, must not grow
 * memory without bound, and are closed after {@link SocketServer#HEAD_TIMEOUT_MILLIS}.
 */
class SlowClientsTest {
    private static final AgentConfig ANY_PORT = AgentConfig.builder().port(0).build();

    private final Http http = new Http();
    private final List<Socket> held = new ArrayList<>();
    private MetricsEndpoint endpoint;
    private AnswerTime answerTime;

    @AfterEach
    void close() throws IOException {
        for (Socket s : held) {
            s.close();
        }
        if (endpoint != null) {
            endpoint.close();
        }
    }

    @Test
    void twoHundredConnectionsSendingPartialHeadersDoNotStallHealthOrMetrics() throws Exception {
        endpoint = MetricsEndpoint.start(ANY_PORT, TestRegistries.oneCounter());
        answerTime = AnswerTime.unloaded(http, endpoint.healthUrl());
        for (int i = 0; i < 200; i++) {
            // Half the connections say nothing at all, half stop in the middle of a header.
            held.add(open(i % 2 == 0 ? "" : "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: "));
        }

        answerTime.assertQuick(endpoint.healthUrl());
        answerTime.assertQuick(endpoint.url());
    }

    @Test
    void moreHalfOpenConnectionsThanTheLimitStillLeaveRoomForTheProbe() throws Exception {
        endpoint = MetricsEndpoint.start(ANY_PORT, TestRegistries.oneCounter());
        answerTime = AnswerTime.unloaded(http, endpoint.healthUrl());
        for (int i = 0; i < SocketServer.MAX_CONNECTIONS + 50; i++) {
            held.add(open("GET /-/healthy HTTP/1.1\r\n"));
        }

        answerTime.assertQuick(endpoint.healthUrl());
        // Memory stays bounded: never more connections (threads, buffers) than the limit.
        assertThat(endpoint.openConnections()).isLessThanOrEqualTo(SocketServer.MAX_CONNECTIONS);
    }

    @Test
    void aConnectionThatNeverFinishesItsHeadIsClosedAfterTheDocumentedTime() throws Exception {
        endpoint = MetricsEndpoint.start(ANY_PORT, TestRegistries.oneCounter());
        Socket slow = open("GET /metrics HTTP/1.1\r\nX-Slow: ");
        held.add(slow);
        long start = System.nanoTime();
        slow.setSoTimeout((int) (SocketServer.HEAD_TIMEOUT_MILLIS * 4));

        // Keep trickling: a byte a second does not extend the deadline.
        int read;
        InputStream in = slow.getInputStream();
        OutputStream out = slow.getOutputStream();
        while (true) {
            slow.setSoTimeout(1000);
            try {
                read = in.read();
                break;
            } catch (SocketTimeoutException e) {
                try {
                    out.write('a');
                    out.flush();
                } catch (IOException closed) {
                    read = -1;
                    break;
                }
            } catch (IOException reset) {
                read = -1;
                break;
            }
            assertThat(System.nanoTime() - start).isLessThan(SocketServer.HEAD_TIMEOUT_MILLIS * 4 * 1_000_000L);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(read).isEqualTo(-1);
        assertThat(millis).isBetween(SocketServer.HEAD_TIMEOUT_MILLIS - 100,
                SocketServer.HEAD_TIMEOUT_MILLIS + 3000);
    }

    @Test
    void anOversizedHeadIsRefusedWith431() throws Exception {
        endpoint = MetricsEndpoint.start(ANY_PORT, TestRegistries.oneCounter());
        try (Socket s = open("GET /metrics HTTP/1.1\r\nX-Big: " + "a".repeat(RequestHead.MAX_BYTES) + "\r\n\r\n")) {
            s.setSoTimeout(5000);
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);

            assertThat(answer).startsWith("HTTP/1.1 431 ");
        }
    }

    private Socket open(String partial) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", endpoint.port()), 5000);
        if (!partial.isEmpty()) {
            s.getOutputStream().write(partial.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
        }
        return s;
    }
}
