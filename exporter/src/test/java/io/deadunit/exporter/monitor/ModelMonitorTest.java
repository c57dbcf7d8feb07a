package io.deadunit.exporter.monitor;

import io.deadunit.exporter.config.AgentConfig;
import io.deadunit.exporter.jmx.AgentControl;
import io.deadunit.exporter.stats.FloatTensorData;
import io.deadunit.exporter.stats.LayerSnapshot;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ModelMonitorTest {
    private final List<String> events = new ArrayList<>();
    private final MonitorListener recorder = new MonitorListener() {
        @Override
        public void modelAdded(ModelMonitor model) {
            events.add("model " + model.name());
        }

        @Override
        public void layerSeen(LayerMonitor layer) {
            events.add("seen " + layer.descriptor().name() + " " + layer.units());
        }

        @Override
        public void windowClosed(LayerMonitor layer, LayerSnapshot snapshot) {
            events.add("window " + layer.descriptor().name() + " dead " + snapshot.deadUnits()
                    + " positions " + snapshot.positionsPerUnit());
        }

        @Override
        public void modelRemoved(ModelMonitor model) {
            events.add("removed " + model.name());
        }
    };

    private static void feed(LayerMonitor layer, float... values) {
        layer.onActivations(new FloatTensorData(FloatBuffer.wrap(values)), 0, new long[]{1, values.length},
                new long[]{values.length, 1}, null);
    }

    @Test
    void samplesEveryKthIterationAndClosesWindowsEveryNIterations() {
        MonitorRegistry registry = new MonitorRegistry(Optional.empty(), new Sampling(2, 4), recorder);
        Object model = new Object();
        Object layerKey = new Object();
        ModelMonitor monitor = registry.registerModel(model, "multilayernetwork");
        LayerMonitor layer = registry.registerLayer(layerKey, monitor,
                l -> new LayerDescriptor("dense", 0, "DenseLayer", "relu", false));

        List<Boolean> sampled = new ArrayList<>();
        for (int iteration = 0; iteration < 8; iteration++) {
            sampled.add(layer.isSampling(true));
            if (layer.isSampling(true)) {
                feed(layer, 0, 1);
            }
            monitor.onIterationDone(0.5);
        }

        assertThat(sampled).containsExactly(true, false, true, false, true, false, true, false);
        assertThat(events).containsExactly(
                "model multilayernetwork-0",
                "seen dense 2",
                "window dense dead 1 positions 2",
                "window dense dead 1 positions 2");
        assertThat(monitor.iterations()).isEqualTo(8);
        assertThat(monitor.score()).isEqualTo(0.5);
    }

    @Test
    void windowsUpdatedInTheBackgroundPublishWhatTheTrainingThreadSaw() {
        WindowUpdates updates = WindowUpdates.background(1 << 20, (what, error) -> events.add("error " + what));
        try {
            MonitorRegistry registry = new MonitorRegistry(Optional.empty(), new Sampling(2, 4), recorder,
                    Integer.MAX_VALUE, Diagnostics.quiet(), updates);
            ModelMonitor monitor = registry.registerModel(new Object(), "multilayernetwork");
            LayerMonitor layer = registry.registerLayer(new Object(), monitor,
                    l -> new LayerDescriptor("dense", 0, "DenseLayer", "relu", false));
            FloatBuffer memory = java.nio.ByteBuffer.allocateDirect(2 * Float.BYTES)
                    .order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
            for (int iteration = 0; iteration < 8; iteration++) {
                if (layer.isSampling(true)) {
                    memory.put(0, 0).put(1, iteration + 1);
                    layer.onActivations(new FloatTensorData(memory), 0, new long[] {1, 2}, new long[] {2, 1}, null);
                    memory.put(0, 5).put(1, 0); // reused by training at once: the window must not see this
                }
                monitor.onIterationDone(0.5);
            }
            assertThat(updates.awaitIdle(java.util.concurrent.TimeUnit.SECONDS.toNanos(10))).isTrue();
            assertThat(events).containsExactly(
                    "model multilayernetwork-0",
                    "seen dense 2",
                    "window dense dead 1 positions 2",
                    "window dense dead 1 positions 2");
            assertThat(layer.units()).isEqualTo(2);
            assertThat(layer.snapshot().deadUnitIndices()).containsExactly(0);
        } finally {
            updates.close();
        }
    }

    @Test
    void aResetDropsTheOpenWindowAndAFullOneFollows() {
        MonitorRegistry registry = new MonitorRegistry(Optional.empty(), new Sampling(1, 2), recorder);
        ModelMonitor monitor = registry.registerModel(new Object(), "multilayernetwork");
        Object layerKey = new Object();
        LayerMonitor layer = registry.registerLayer(layerKey, monitor,
                l -> new LayerDescriptor("dense", 0, "DenseLayer", "relu", false));

        feed(layer, 0, 1);
        monitor.onIterationDone(0);
        monitor.requestWindowReset();
        feed(layer, 0, 1);
        // Taken up here, on the training thread: both tensors so far are dropped.
        monitor.onIterationDone(0);
        for (int iteration = 3; iteration <= 4; iteration++) {
            feed(layer, 1, 1);
            monitor.onIterationDone(0);
        }

        assertThat(events).containsExactly("model multilayernetwork-0", "seen dense 2",
                "window dense dead 0 positions 2");
        assertThat(layer.snapshot().positionsPerUnit()).isEqualTo(2);
    }

    @Test
    void aWindowResizedAtRunTimeIsFullLength() {
        Sampling sampling = new Sampling(1, 4);
        MonitorRegistry registry = new MonitorRegistry(Optional.empty(), sampling, recorder);
        ModelMonitor monitor = registry.registerModel(new Object(), "multilayernetwork");
        Object layerKey = new Object();
        LayerMonitor layer = registry.registerLayer(layerKey, monitor,
                l -> new LayerDescriptor("dense", 0, "DenseLayer", "relu", false));

        List<Long> closedAt = new ArrayList<>();
        for (int iteration = 1; iteration <= 10; iteration++) {
            if (iteration == 6) {
                sampling.set(1, 3);
            }
            feed(layer, 1);
            LayerSnapshot before = layer.snapshot();
            monitor.onIterationDone(0);
            if (layer.snapshot() != before) {
                closedAt.add(monitor.iterations());
            }
        }

        // Counted from the last close (4), not from multiples of 3 (which would close after 6 iterations of data).
        assertThat(closedAt).containsExactly(4L, 7L, 10L);
    }

    @Test
    void monitoringOffMeansNoTensorIsRead() {
        Sampling sampling = new Sampling(1, 1);
        MonitorRegistry registry = new MonitorRegistry(Optional.empty(), sampling, recorder);
        ModelMonitor monitor = registry.registerModel(new Object(), "multilayernetwork");

        sampling.monitoring(false);
        boolean trainingWhenOff = monitor.isSampling(true);
        boolean inferenceWhenOff = monitor.isSampling(false);
        monitor.onIterationDone(0);
        sampling.monitoring(true);

        assertThat(trainingWhenOff).isFalse();
        assertThat(inferenceWhenOff).isFalse();
        assertThat(monitor.iterations()).isEqualTo(1);
        assertThat(monitor.isSampling(true)).isTrue();
    }

    @Test
    void modelsGetStableReadableNamesAndAnOverride() {
        MonitorRegistry byKind = new MonitorRegistry(Optional.empty(), new Sampling(1, 1), recorder);
        assertThat(byKind.registerModel(new Object(), "multilayernetwork").name()).isEqualTo("multilayernetwork-0");
        assertThat(byKind.registerModel(new Object(), "computationgraph").name()).isEqualTo("computationgraph-0");
        assertThat(byKind.registerModel(new Object(), "multilayernetwork").name()).isEqualTo("multilayernetwork-1");

        MonitorRegistry named = new MonitorRegistry(Optional.of("mnist"), new Sampling(1, 1), recorder);
        assertThat(named.registerModel(new Object(), "multilayernetwork").name()).isEqualTo("mnist");
        assertThat(named.registerModel(new Object(), "multilayernetwork").name()).isEqualTo("mnist-2");
    }

    @Test
    void registeringTheSameModelTwiceKeepsOneMonitor() {
        MonitorRegistry registry = new MonitorRegistry(Optional.empty(), new Sampling(1, 1), recorder);
        Object model = new Object();
        assertThat(registry.registerModel(model, "computationgraph"))
                .isSameAs(registry.registerModel(model, "computationgraph"));
    }

    @Test
    void aCollectedModelIsRemoved() throws InterruptedException {
        MonitorRegistry registry = new MonitorRegistry(Optional.empty(), new Sampling(1, 1), recorder);
        registry.registerModel(new Object(), "multilayernetwork");
        for (int attempt = 0; attempt < 50 && !events.contains("removed multilayernetwork-0"); attempt++) {
            System.gc();
            Thread.sleep(20);
            registry.expunge();
        }
        assertThat(events).contains("removed multilayernetwork-0");
        assertThat(registry.models()).isEmpty();
        assertThat(registry.anyTrainingSampled()).as("a collected model samples nothing").isFalse();
    }

    @Test
    void anyTrainingSampledFollowsEveryModelsNextIteration() {
        Sampling sampling = new Sampling(3, 100);
        MonitorRegistry registry = new MonitorRegistry(Optional.empty(), sampling, recorder);
        assertThat(registry.anyTrainingSampled()).as("no model yet").isFalse();
        ModelMonitor a = registry.registerModel(new Object(), "multilayernetwork");
        assertThat(registry.anyTrainingSampled()).as("registered, not training yet").isFalse();
        assertThat(a.isSampling(true)).as("its first iteration will be sampled").isTrue();
        a.trainingStarted();
        assertThat(registry.anyTrainingSampled()).as("a model's first iteration is sampled").isTrue();

        a.onIterationDone(0);                        // next: iteration 1, not sampled
        assertThat(registry.anyTrainingSampled()).isFalse();
        ModelMonitor b = registry.registerModel(new Object(), "multilayernetwork");
        assertThat(registry.anyTrainingSampled()).isFalse();
        b.trainingStarted();
        assertThat(registry.anyTrainingSampled()).isTrue();
        b.onIterationDone(0);
        assertThat(registry.anyTrainingSampled()).isFalse();
        a.onIterationDone(0);
        a.onIterationDone(0);                        // a: next is iteration 3, sampled
        assertThat(registry.anyTrainingSampled()).isTrue();
        assertThat(a.isSampling(true)).isTrue();
        assertThat(b.isSampling(true)).isFalse();

        sampling.monitoring(false);
        assertThat(registry.anyTrainingSampled()).as("monitoring switched off").isFalse();
    }

    /** Records the calls a model monitor makes at the end of each iteration, with the iteration number. */
    private static final class RecordingEnd implements IterationEnd {
        final List<String> calls = new ArrayList<>();
        Runnable duringWeights = () -> { };
        long iteration;

        @Override
        public void recordWeights(boolean sampled, boolean closes) {
            duringWeights.run();
            calls.add(iteration + " weights" + (sampled ? " sampled" : "") + (closes ? " closes" : ""));
        }

        @Override
        public void revive(long windowsClosed) {
            calls.add(iteration + " revive " + windowsClosed);
        }

        @Override
        public void beginWindow() {
            calls.add(iteration + " begin");
        }

        @Override
        public void forgetWindowStart() {
            calls.add(iteration + " forget");
        }
    }

    /** A model of one dense layer, registered in a fresh registry; the keys are kept by the registry's callers. */
    private LayerMonitor denseLayerOfNewModel(Sampling sampling, Object modelKey, Object layerKey) {
        MonitorRegistry registry = new MonitorRegistry(Optional.empty(), sampling, recorder);
        ModelMonitor monitor = registry.registerModel(modelKey, "multilayernetwork");
        return registry.registerLayer(layerKey, monitor,
                l -> new LayerDescriptor("dense", 0, "DenseLayer", "relu", false));
    }

    @Test
    void theModelMonitorDrivesWeightsThenCloseReviveAndBeginInThatOrder() {
        Object modelKey = new Object();
        Object layerKey = new Object();
        LayerMonitor layer = denseLayerOfNewModel(new Sampling(2, 3), modelKey, layerKey);
        ModelMonitor monitor = layer.model();
        RecordingEnd end = new RecordingEnd();

        for (end.iteration = 1; end.iteration <= 6; end.iteration++) {
            feed(layer, 0, 1);
            int published = events.size();
            end.duringWeights = () -> assertThat(events).as("evidence comes before the window closes")
                    .hasSize(published);
            monitor.onIterationDone(0, end);
        }

        // Iteration k is sampled when k-1 is a multiple of 2; windows close after iterations 3 and 6.
        assertThat(end.calls).containsExactly("1 weights sampled", "3 weights sampled closes", "3 revive 1",
                "3 begin", "5 weights sampled", "6 weights closes", "6 revive 2", "6 begin");
        assertThat(monitor.windowsClosed()).isEqualTo(2);
    }

    @Test
    void theUpdateRatioIsReadOnAtMostFiveSampledIterationsSpreadOverTheWindow() {
        // sampleEvery=1, window=100: iterations 1, 21, 41, 61, 81 of each window; the defaults (10, 100): every
        // other sampled iteration, 1, 21, 41, 61, 81 again (sampled iterations are 1, 11, 21 ...).
        for (int every : new int[] {1, 10}) {
            LayerMonitor layer = denseLayerOfNewModel(new Sampling(every, 100), new Object(), new Object());
            ModelMonitor monitor = layer.model();
            RecordingEnd end = new RecordingEnd();
            for (end.iteration = 1; end.iteration <= 300; end.iteration++) {
                monitor.onIterationDone(0, end);
            }
            List<String> expected = new ArrayList<>();
            for (int w = 0; w < 3; w++) {
                for (int k = 0; k < 5; k++) {
                    expected.add((100 * w + 1 + 20 * k) + " weights sampled");
                }
                expected.add((100 * w + 100) + " weights closes");
            }
            assertThat(end.calls.stream().filter(c -> c.contains(" weights"))).as("sampleEvery=%d", every)
                    .containsExactlyElementsOf(expected);
        }
        // small windows: every sampled iteration (sampleEvery=3, window=12: 4 sampled iterations per window)
        LayerMonitor small = denseLayerOfNewModel(new Sampling(3, 12), new Object(), new Object());
        RecordingEnd end = new RecordingEnd();
        for (end.iteration = 1; end.iteration <= 12; end.iteration++) {
            small.model().onIterationDone(0, end);
        }
        assertThat(end.calls.stream().filter(c -> c.contains(" weights"))).containsExactly("1 weights sampled",
                "4 weights sampled", "7 weights sampled", "10 weights sampled", "12 weights closes");
    }

    @Test
    void thePlainIterationFastPathDecidesAsTheFullPath() {
        Sampling fastSampling = new Sampling(3, 10);
        Sampling fullSampling = new Sampling(3, 10);
        LayerMonitor fastLayer = denseLayerOfNewModel(fastSampling, new Object(), new Object());
        LayerMonitor fullLayer = denseLayerOfNewModel(fullSampling, new Object(), new Object());
        ModelMonitor fast = fastLayer.model();
        ModelMonitor full = fullLayer.model();
        assertThat(fast.plainIterationDone(1)).as("before training starts: the full path").isFalse();
        assertThat(fast.iterations()).isZero();
        RecordingEnd fastEnd = new RecordingEnd();
        RecordingEnd fullEnd = new RecordingEnd();
        List<Long> plain = new ArrayList<>();
        for (long i = 1; i <= 40; i++) {
            fastEnd.iteration = i;
            fullEnd.iteration = i;
            if (i == 17) {
                fast.requestWindowReset();
                full.requestWindowReset();
            }
            if (i == 25) {
                fastSampling.monitoring(false);
                fullSampling.monitoring(false);
            }
            if (i == 32) {
                fastSampling.set(2, 5);
                fullSampling.set(2, 5);
            }
            if (fast.plainIterationDone(i)) {
                plain.add(i);
            } else {
                fast.onIterationDone(i, fastEnd);
            }
            full.onIterationDone(i, fullEnd);
            assertThat(fast.iterations()).isEqualTo(full.iterations()).isEqualTo(i);
            assertThat(fast.score()).isEqualTo(i);
            assertThat(fast.isSampling(true)).as("after iteration %d", i).isEqualTo(full.isSampling(true));
            assertThat(fast.windowsClosed()).isEqualTo(full.windowsClosed());
        }
        assertThat(fastEnd.calls).isEqualTo(fullEnd.calls);
        // neither sampled (1, 4, 7 ...), nor closing (10, then 27 after the reset), nor followed by a sampled one
        // (3, 6, 9 ...), nor the one that took the reset (17)
        assertThat(plain).startsWith(2L, 5L, 8L, 11L, 14L).doesNotContain(1L, 3L, 10L, 16L, 17L, 27L);
    }

    @Test
    void aWindowChangedOverJmxDuringTheIterationsEndCannotSplitItsDecision() {
        Sampling sampling = new Sampling(1, 4);
        Object modelKey = new Object();
        Object layerKey = new Object();
        LayerMonitor layer = denseLayerOfNewModel(sampling, modelKey, layerKey);
        ModelMonitor monitor = layer.model();
        AgentControl jmx = new AgentControl(AgentConfig.defaults(), sampling, null, Optional::empty, null);
        RecordingEnd end = new RecordingEnd();

        for (end.iteration = 1; end.iteration <= 6; end.iteration++) {
            feed(layer, 0, 1);
            // At iteration 2 the window shrinks to 2 (it would close now), at 4 it grows back to 4 (it would not):
            // each change lands between the weight evidence and the close, where the adapter used to ask
            // closesWindow() and the monitor then decided again.
            long at = end.iteration;
            end.duringWeights = () -> {
                if (at == 2) {
                    jmx.setWindow(2);
                } else if (at == 4) {
                    jmx.setWindow(4);
                }
            };
            LayerSnapshot before = layer.snapshot();
            monitor.onIterationDone(0, end);
            boolean closed = layer.snapshot() != before;
            assertThat(end.calls.stream().filter(c -> c.startsWith(at + " weights")))
                    .as("iteration %d: the evidence and the close agree", at)
                    .containsExactly(at + " weights sampled" + (closed ? " closes" : ""));
            assertThat(end.calls.contains(at + " begin")).as("iteration %d begins a window", at).isEqualTo(closed);
        }

        // Iteration 2 was judged with the window of 4 it started with; the new length applies from iteration 3.
        assertThat(end.calls).containsSubsequence("3 weights sampled closes", "3 revive 1", "3 begin");
        assertThat(monitor.windowsClosed()).isEqualTo(1);
    }

    @Test
    void whilePausedNoWeightIsReadAndTheWindowStartIsForgotten() {
        Sampling sampling = new Sampling(1, 2);
        MonitorRegistry registry = new MonitorRegistry(Optional.empty(), sampling, recorder);
        ModelMonitor monitor = registry.registerModel(new Object(), "multilayernetwork");
        RecordingEnd end = new RecordingEnd();
        sampling.monitoring(false);

        for (end.iteration = 1; end.iteration <= 2; end.iteration++) {
            monitor.onIterationDone(0, end);
        }
        monitor.requestWindowReset();
        sampling.monitoring(true);
        monitor.onIterationDone(0, end);

        assertThat(end.calls).containsExactly("2 forget", "3 weights sampled", "3 begin");
    }

    @Test
    void aModelThatNeverTrainsKeepsNoHookOffTheFastPath() {
        Sampling sampling = new Sampling(10, 100);
        MonitorRegistry registry = new MonitorRegistry(Optional.empty(), sampling, recorder);
        registry.registerModel(new Object(), "multilayernetwork");   // restored or cloned, never trained
        ModelMonitor training = registry.registerModel(new Object(), "multilayernetwork");
        assertThat(registry.anyModelNotStarted()).isTrue();
        training.trainingStarted();
        assertThat(registry.anyTrainingSampled()).isTrue();
        int sampledIterations = 0;
        for (int i = 0; i < 100; i++) {
            training.onIterationDone(0);
            if (registry.anyTrainingSampled()) {
                sampledIterations++;
            }
        }
        assertThat(sampledIterations).as("every 10th next iteration, whatever the idle model").isEqualTo(10);
        assertThat(registry.anyModelNotStarted()).isTrue();
    }

    @Test
    void aModelPickedUpAfterItsFirstIterationStartsThere() {
        Sampling sampling = new Sampling(2, 100);
        MonitorRegistry registry = new MonitorRegistry(Optional.empty(), sampling, recorder);
        ModelMonitor late = registry.registerModel(new Object(), "computationgraph");
        late.onIterationDone(0);                     // no start seen: the iteration itself says it trains
        assertThat(registry.anyModelNotStarted()).isFalse();
        assertThat(registry.anyTrainingSampled()).as("iteration 1: not sampled").isFalse();
        late.onIterationDone(0);
        assertThat(registry.anyTrainingSampled()).as("iteration 2: sampled").isTrue();
    }
}
