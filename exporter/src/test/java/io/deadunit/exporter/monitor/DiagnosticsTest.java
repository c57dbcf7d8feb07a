package io.deadunit.exporter.monitor;

import io.deadunit.exporter.meters.MeterPublisher;
import io.deadunit.exporter.stats.FloatTensorData;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Diagnosis through the monitors: once per crossing on the log, gauges per cause, evidence across windows. */
class DiagnosticsTest {
    private final List<String> log = new ArrayList<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final MonitorRegistry registry = new MonitorRegistry(Optional.empty(), new Sampling(1, 1),
            new MeterPublisher(meters, Optional.empty()), 100, new Diagnostics(0.5, log::add));
    private final ModelMonitor model = registry.registerModel(new Object(), "multilayernetwork");
    private final LayerMonitor hidden0 = registry.registerLayer(new Object(), model,
            l -> new LayerDescriptor("hidden0", 0, "DenseLayer", "relu", false));
    private final LayerMonitor hidden1 = registry.registerLayer(new Object(), model,
            l -> new LayerDescriptor("hidden1", 1, "DenseLayer", "relu", false));

    /** One iteration = one window: the first {@code dead0}/{@code dead1} units of each layer output 0. */
    private void iteration(int dead0, int dead1, double ratio1) {
        feed(hidden0, 4, dead0);
        feed(hidden1, 4, dead1);
        hidden1.onUpdateRatio(ratio1);
        model.onIterationDone(0);
    }

    private static void feed(LayerMonitor layer, int units, int dead) {
        float[] values = new float[units];
        for (int u = dead; u < units; u++) {
            values[u] = 1;
        }
        layer.onActivations(new FloatTensorData(FloatBuffer.wrap(values)), 0, new long[] {1, units},
                new long[] {units, 1}, null);
    }

    private double gauge(String layer, Cause cause) {
        return meters.get("dl4j.layer.diagnosis").tag("layer", layer).tag("cause", cause.label()).gauge().value();
    }

    @Test
    void logsOncePerCrossingAndPublishesEachCause() {
        hidden1.setUpstream(hidden0);
        iteration(0, 0, 1e-3);
        assertThat(log).isEmpty();
        assertThat(gauge("hidden1", Cause.UNEXPLAINED)).isZero();
        assertThat(hidden1.diagnosis().diagnosed()).isFalse();

        // The big step happens in a healthy window; the units are found dead in the next one.
        iteration(0, 1, 0.5);
        iteration(0, 3, 1e-9);
        assertThat(log).containsExactly("deadunit: layer hidden1 of multilayernetwork-0: 75% of units dead; likely "
                + "cause: high_learning_rate (update ratio ||dW||/||W|| up to 5.0e-01 per step, healthy about 1e-3)");
        assertThat(gauge("hidden1", Cause.HIGH_LEARNING_RATE)).isEqualTo(1);
        assertThat(gauge("hidden1", Cause.UPSTREAM_DEAD)).isZero();
        assertThat(gauge("hidden0", Cause.HIGH_LEARNING_RATE)).isZero();

        iteration(0, 3, 1e-9);
        assertThat(log).as("still over the threshold: no new line").hasSize(1);
        assertThat(gauge("hidden1", Cause.HIGH_LEARNING_RATE)).isEqualTo(1);

        iteration(0, 0, 1e-3);
        assertThat(gauge("hidden1", Cause.HIGH_LEARNING_RATE)).isZero();
        iteration(4, 4, 1e-3);
        assertThat(log).hasSize(3);
        assertThat(log.get(1)).startsWith("deadunit: layer hidden0 of multilayernetwork-0: 100% of units dead; "
                + "likely cause: unexplained");
        assertThat(log.get(2)).startsWith("deadunit: layer hidden1 of multilayernetwork-0: 100% of units dead; "
                + "likely cause: upstream_dead (layer hidden0 feeding it has 100% of its units dead)");
        assertThat(gauge("hidden1", Cause.UPSTREAM_DEAD)).isEqualTo(1);
        assertThat(gauge("hidden1", Cause.HIGH_LEARNING_RATE)).as("the old step is forgotten once healthy").isZero();
        assertThat(gauge("hidden0", Cause.UNEXPLAINED)).isEqualTo(1);
    }

    @Test
    void weightMetersAndTheRevivedCounter() {
        feed(hidden1, 4, 2);
        hidden1.onUpdateRatio(0.002);
        hidden1.onUpdateRatio(0.004);
        hidden1.onUpdateRatio(Double.NaN);
        hidden1.onStagnantUnits(2);
        hidden1.onLearningRate(0.01);
        hidden1.onBiases(new double[] {-1, -1, 0, 0});
        model.onIterationDone(0);
        hidden1.onRevived(2);
        assertThat(meters.get("dl4j.layer.update.ratio").tag("layer", "hidden1").gauge().value()).isEqualTo(0.003);
        assertThat(meters.get("dl4j.layer.stagnant.units").tag("layer", "hidden1").gauge().value()).isEqualTo(2);
        assertThat(meters.get("dl4j.layer.learning.rate").tag("layer", "hidden1").gauge().value()).isEqualTo(0.01);
        assertThat(meters.get("dl4j.layer.revived.units").tag("layer", "hidden1").functionCounter().count())
                .isEqualTo(2);
        assertThat(hidden1.snapshot().bias(0)).isEqualTo(-1);

        // the window's evidence does not leak into the next one
        feed(hidden0, 4, 0);
        feed(hidden1, 4, 0);
        model.onIterationDone(0);
        assertThat(meters.get("dl4j.layer.update.ratio").tag("layer", "hidden1").gauge().value()).isNaN();
        assertThat(hidden1.snapshot().hasBiases()).isFalse();
        assertThat(meters.get("dl4j.layer.stagnant.units").tag("layer", "hidden0").gauge().value()).as("unknown")
                .isNaN();
        assertThat(model.windowsClosed()).isEqualTo(2);
    }

    @Test
    void closesWindowTellsWhetherTheCompletingIterationEndsTheWindow() {
        MonitorRegistry r = new MonitorRegistry(Optional.empty(), new Sampling(1, 3), new MeterPublisher(meters,
                Optional.empty()));
        ModelMonitor m = r.registerModel(new Object(), "computationgraph");
        List<Boolean> closes = new ArrayList<>();
        IterationEnd end = new IterationEnd() {
            @Override
            public void recordWeights(boolean sampled, boolean closesWindow) {
                closes.add(closesWindow);
            }
        };
        for (int i = 0; i < 6; i++) {
            m.onIterationDone(0, end);
        }
        assertThat(closes).containsExactly(false, false, true, false, false, true);
        assertThat(m.windowsClosed()).isEqualTo(2);
    }
}
