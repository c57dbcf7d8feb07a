package io.deadunit.exporter.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ScrapeErrorReporterTest {

    @Test
    void reportsTheFirstFailureOnOneLineAndThenStaysQuiet() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ScrapeErrorReporter reporter = new ScrapeErrorReporter(new PrintStream(out, true, StandardCharsets.UTF_8));

        reporter.accept(new IllegalStateException("first\nsecond line"));
        reporter.accept(new IllegalStateException("again"));

        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("deadunit: a scrape of /metrics failed "
                + "(java.lang.IllegalStateException: first second line); the scraper got HTTP 500, later failures "
                + "are not printed." + System.lineSeparator());
    }
}
