package io.deadunit.exporter.monitor;

import io.deadunit.exporter.config.ConfigKey;

import java.util.function.Consumer;

/**
 * How layers are diagnosed: the lost share from which a layer is diagnosed, and where the one-line reports go
 * (stderr in the agent). Shared by every model.
 */
public final class Diagnostics {
    private final double threshold;
    private final Consumer<String> log;

    /**
     * @param threshold share of units dead or saturated (0 &lt; threshold ≤ 1) from which a layer is diagnosed
     * @param log       receives one line per layer each time it crosses the threshold upwards
     */
    public Diagnostics(double threshold, Consumer<String> log) {
        this.threshold = ConfigKey.DIAGNOSE_AT.check(threshold);
        this.log = log;
    }

    /** The default {@code diagnoseAt}, reports dropped: for tests and embedders that do not want log lines. */
    public static Diagnostics quiet() {
        return new Diagnostics(ConfigKey.DIAGNOSE_AT.defaultValue(), line -> { });
    }

    public double threshold() {
        return threshold;
    }

    /** Diagnoses the layer's last closed window; logs when it crosses the threshold. */
    void diagnose(LayerMonitor layer) {
        LayerMonitor upstream = layer.upstream();
        Diagnosis diagnosis = Diagnosis.evaluate(layer.snapshot(), layer.peakUpdateRatio(),
                upstream == null ? null : upstream.snapshot(), upstream == null ? null : upstream.descriptor().name(),
                threshold);
        if (layer.setDiagnosis(diagnosis)) {
            log.accept(diagnosis.message(layer.descriptor().name(), layer.model().name()));
        }
    }
}
