package io.deadunit.exporter.meters;

import io.deadunit.exporter.monitor.ModelMonitor;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.util.List;

/** Per-model meters: iterations and score. */
final class ModelMeters implements MeterBinder {
    private final ModelMonitor model;
    private List<Meter> meters = List.of();

    ModelMeters(ModelMonitor model) {
        this.model = model;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        meters = List.of(
                FunctionCounter.builder("dl4j.training.iterations", model, ModelMonitor::iterations)
                        .tag("model", model.name())
                        .description("Training iterations (optimizer steps) completed")
                        .register(registry),
                Gauge.builder("dl4j.model.score", model, ModelMonitor::score)
                        .tag("model", model.name())
                        .description("The model's score (loss) after the last iteration")
                        .strongReference(true)
                        .register(registry));
    }

    List<Meter> meters() {
        return meters;
    }
}
