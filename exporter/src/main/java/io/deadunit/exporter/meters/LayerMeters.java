package io.deadunit.exporter.meters;

import io.deadunit.exporter.monitor.Cause;
import io.deadunit.exporter.monitor.Diagnosis;
import io.deadunit.exporter.monitor.LayerMonitor;
import io.deadunit.exporter.stats.LayerSnapshot;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.noop.NoopMeter;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The statistics meters of one layer, read from its last closed window. Bound when the first window closes, so a
 * layer never shows made-up values; {@code dl4j.layer.units} is bound earlier by {@link LayerUnitsMeter}, the
 * unit-activity histogram lives in {@link UnitActivityHistogram}.
 */
final class LayerMeters implements MeterBinder {
    private final LayerMonitor layer;
    private final List<Meter> meters = new ArrayList<>();

    LayerMeters(LayerMonitor layer) {
        this.layer = layer;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Tags tags = LayerTags.of(layer);
        gauge(registry, "dl4j.layer.dead.units", tags, "Units whose output was exactly 0 at every sampled position of the last window",
                LayerSnapshot::deadUnits);
        if (!accepted()) {
            // Beyond maxLayers (the meter filter's cap): the layer's other meters, whatever their names, stay out too.
            return;
        }
        gauge(registry, "dl4j.layer.dead.units.ratio", tags, "Dead units over units, 0..1", LayerSnapshot::deadRatio);
        for (int t = 0; t < LayerSnapshot.DORMANT_TAUS.length; t++) {
            int tauIndex = t;
            gauge(registry, "dl4j.layer.dormant.units", tags.and("tau", Double.toString(LayerSnapshot.DORMANT_TAUS[t])),
                    "Units whose dormancy score (mean |output| over the layer's average) is at most tau",
                    s -> s.dormantUnits(tauIndex));
        }
        gauge(registry, "dl4j.layer.saturated.units", tags,
                "Units of a bounded activation within 1% of a bound on at least 99% of sampled positions",
                LayerSnapshot::saturatedUnits);
        gauge(registry, "dl4j.layer.activation.mean", tags, "Mean of the layer's outputs over the last window",
                LayerSnapshot::activationMean);
        gauge(registry, "dl4j.layer.activation.stddev", tags, "Standard deviation of the layer's outputs over the last window",
                LayerSnapshot::activationStddev);
        gauge(registry, "dl4j.layer.activation.zero.ratio", tags, "Fraction of the layer's outputs that are exactly 0",
                LayerSnapshot::zeroRatio);
        gauge(registry, "dl4j.layer.gradient.norm", tags,
                "Mean L2 norm of the gradient arriving at the layer's output, over sampled iterations",
                LayerSnapshot::gradientNorm);
        gauge(registry, "dl4j.layer.zero.gradient.units", tags,
                "Units that received exactly zero gradient at every sampled position of the last window",
                LayerSnapshot::zeroGradientUnits);
        gauge(registry, "dl4j.layer.update.ratio", tags,
                "Mean over sampled optimizer steps of the last window of ||dW||/||W|| (weights before the step); healthy about 1e-3",
                LayerSnapshot::updateRatio);
        gauge(registry, "dl4j.layer.stagnant.units", tags,
                "Units whose incoming weights did not change at all during the last window (dense and convolution layers)",
                LayerSnapshot::stagnantUnits);
        gauge(registry, "dl4j.layer.learning.rate", tags,
                "Learning rate of the layer's weight updater at the last window's end; NaN when it has none",
                LayerSnapshot::learningRate);
        for (Cause cause : Cause.values()) {
            meters.add(Gauge.builder("dl4j.layer.diagnosis", layer, l -> diagnosed(l, cause))
                    .tags(tags).tag("cause", cause.label())
                    .description("1 when the last window diagnosed this likely cause of lost (dead or saturated) units, else 0")
                    .strongReference(true)
                    .register(registry));
        }
        meters.add(FunctionCounter.builder("dl4j.layer.revived.units", layer, LayerMonitor::revivedTotal)
                .tags(tags)
                .description("Dead units whose weights were reinitialised (revive=true)")
                .register(registry));
        meters.add(FunctionCounter.builder("dl4j.nonfinite.values", layer, LayerMonitor::forwardNonFiniteTotal)
                .tags(tags).tag("phase", "forward")
                .description("NaN or infinite values seen in sampled activations (forward) or gradients (backward)")
                .register(registry));
        meters.add(FunctionCounter.builder("dl4j.nonfinite.values", layer, LayerMonitor::backwardNonFiniteTotal)
                .tags(tags).tag("phase", "backward")
                .description("NaN or infinite values seen in sampled activations (forward) or gradients (backward)")
                .register(registry));
    }

    List<Meter> meters() {
        return meters;
    }

    /** False when a meter filter (the {@code maxLayers} cap) denied this layer's meters: they are no-ops. */
    boolean accepted() {
        return !meters.isEmpty() && !(meters.get(0) instanceof NoopMeter);
    }

    private void gauge(MeterRegistry registry, String name, Tags tags, String description,
                       ToDoubleFunction<LayerSnapshot> value) {
        meters.add(Gauge.builder(name, layer, l -> read(l, value))
                .tags(tags)
                .description(description)
                .strongReference(true)
                .register(registry));
    }

    private static double diagnosed(LayerMonitor layer, Cause cause) {
        Diagnosis diagnosis = layer.diagnosis();
        return diagnosis == null ? Double.NaN : diagnosis.has(cause) ? 1 : 0;
    }

    private static double read(LayerMonitor layer, ToDoubleFunction<LayerSnapshot> value) {
        LayerSnapshot snapshot = layer.snapshot();
        return snapshot == null ? Double.NaN : value.applyAsDouble(snapshot);
    }
}
