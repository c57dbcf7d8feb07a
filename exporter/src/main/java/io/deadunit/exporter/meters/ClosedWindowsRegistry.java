package io.deadunit.exporter.meters;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.registry.PrometheusScrapeRequest;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.util.function.Predicate;

/**
 * The Prometheus registry behind the endpoint and the pushes: before each scrape it lets the windows closed so far
 * be published ({@code beforeScrape}: the statistics thread finishes what training handed it, within a bound), so a
 * scrape right after an iteration that closed a window sees that window.
 */
public final class ClosedWindowsRegistry extends PrometheusRegistry {
    private final Runnable beforeScrape;

    public ClosedWindowsRegistry(Runnable beforeScrape) {
        this.beforeScrape = beforeScrape;
    }

    @Override
    public MetricSnapshots scrape() {
        beforeScrape.run();
        return super.scrape();
    }

    @Override
    public MetricSnapshots scrape(PrometheusScrapeRequest request) {
        beforeScrape.run();
        return super.scrape(request);
    }

    @Override
    public MetricSnapshots scrape(Predicate<String> includedNames) {
        beforeScrape.run();
        return super.scrape(includedNames);
    }

    @Override
    public MetricSnapshots scrape(Predicate<String> includedNames, PrometheusScrapeRequest request) {
        beforeScrape.run();
        return super.scrape(includedNames, request);
    }
}
