package io.deadunit.exporter.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Issue 12, finding 5: a training thread never waits for stderr. */
class OffThreadLinesTest {

    @Test
    void aBlockedStderrNeverBlocksTheCaller() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        PrintStream blocked = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                written.write(b);
            }
        }, true, StandardCharsets.UTF_8);
        OffThreadLines lines = new OffThreadLines(blocked);

        long start = System.nanoTime();
        for (int i = 0; i < OffThreadLines.CAPACITY * 2; i++) {
            lines.accept("deadunit: line " + i);
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(millis).isLessThan(1000);
        assertThat(lines.dropped()).isGreaterThan(0);
        release.countDown();
        lines.flush(5000);
        assertThat(written.toString(StandardCharsets.UTF_8)).startsWith("deadunit: line 0").contains("line 1\n");
    }

    @Test
    void agentHealthSaysItsFirstErrorThroughIt() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OffThreadLines lines = new OffThreadLines(new PrintStream(out, true, StandardCharsets.UTF_8));
        AgentHealth health = new AgentHealth(lines);

        health.recordError("a test", new IllegalStateException("boom"));
        health.recordError("a test", new IllegalStateException("again"));
        lines.flush(5000);

        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("deadunit: internal error in a test")
                .doesNotContain("again");
        assertThat(health.errors()).isEqualTo(2);
    }
}
