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

    /** Basic auth is UTF-8 whatever the platform charset (JDK 17's {@code BasicAuthenticator} used the latter). */
    @Test
    void aNonAsciiPasswordAuthenticatesUnderALatin1PlatformCharset() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process child = new ProcessBuilder(java, "-Dfile.encoding=ISO-8859-1", "-cp",
                System.getProperty("java.class.path"), Utf8PasswordMain.class.getName()).redirectErrorStream(true)
                .start();

        boolean exited = child.waitFor(30, TimeUnit.SECONDS);
        if (!exited) {
            child.destroyForcibly();
        }
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);

        assertThat(exited).as(output).isTrue();
        assertThat(output).contains("charset ISO-8859-1 -> 200");
    }
}
