package io.deadunit.exporter.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** Registries to serve in tests: built through Micrometer, as the agent does. */
final class TestRegistries {
    static final String COUNTER_LINE = "deadunit_test_hits_total 3.0";

    private TestRegistries() {
    }

    static PrometheusRegistry oneCounter() {
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Counter.builder("deadunit.test.hits").description("Test hits.").register(meters).increment(3);
        return meters.getPrometheusRegistry();
    }
}
