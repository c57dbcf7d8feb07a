package io.deadunit.exporter.server;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Tells the user once that a scrape failed. The scraper itself only gets a generic 500 body (no stack trace);
 * later failures stay quiet so a broken meter cannot flood the trainer's console every few seconds.
 */
final class ScrapeErrorReporter implements Consumer<Exception> {
    private final AtomicBoolean reported = new AtomicBoolean();
    private final PrintStream log;

    ScrapeErrorReporter() {
        this(System.err);
    }

    ScrapeErrorReporter(PrintStream log) {
        this.log = log;
    }

    @Override
    public void accept(Exception e) {
        if (reported.compareAndSet(false, true)) {
            String cause = String.valueOf(e).replaceAll("\\s+", " ");
            log.println("deadunit: a scrape of " + MetricsEndpoint.METRICS_PATH + " failed (" + cause
                    + "); the scraper got HTTP 500, later failures are not printed.");
        }
    }
}
