package io.deadunit.exporter.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The real guarantee behind "all threads are daemons": a JVM with a running endpoint exits when main returns. */
class EndpointDaemonExitTest {

    @Test
    void aJvmServingMetricsExitsWhenMainReturns() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                EndpointExitMain.class.getName()).redirectErrorStream(true).start();

        boolean exited = child.waitFor(30, TimeUnit.SECONDS);
        if (!exited) {
            child.destroyForcibly();
        }
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(exited).as("child exited by itself; output: %s", output).isTrue();
        assertThat(child.exitValue()).as(output).isZero();
        assertThat(output).contains("/metrics -> 200");
    }
}
