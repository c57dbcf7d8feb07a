package io.deadunit.agent.dl4j;

import io.deadunit.exporter.monitor.LayerMonitor;
import io.deadunit.exporter.stats.TensorData;
import io.deadunit.exporter.stats.WeightStats;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.convolution.Convolution1DLayer;
import org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer;
import org.deeplearning4j.nn.layers.feedforward.embedding.EmbeddingLayer;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;

import java.util.Arrays;
import java.util.Map;

/**
 * Reads a layer's weights after the optimizer step, in place (zero-copy NIO views, no ND4J op, nothing written):
 * the step's update ratio, the window-start copy for stagnant units, the learning rate and the per-unit biases.
 *
 * <p>The update is read from the layer's gradient view: DL4J's updater turns the gradient into the update in place
 * and the step function subtracts it from the parameters ({@code StochasticGradientDescent.optimize}), so at
 * {@code BaseOptimizer.incrementIterationCount} the gradient view holds exactly the step just applied. Each
 * parameter and its gradient view are compact arrays with the same layout, read element for element (each through
 * its own buffer: views of one ND4J buffer do not share buffer offsets).
 *
 * <p>Weights are the parameters whose key ends with {@code W} ({@code W}, recurrent {@code RW}, bidirectional
 * {@code fW}/{@code bRW}, separable {@code pW}…). Units map one-to-one to a weight axis only for dense-like layers
 * ({@code W [nIn, nOut]}, unit = column) and 2-D/1-D convolutions ({@code W [nOut, nIn, kH, kW]}, unit = axis 0):
 * stagnant units and biases are reported for those only.
 */
final class LayerWeights {
    static final String WEIGHTS = "W";
    static final String BIAS = "b";
    /**
     * The update ratio reads at most about this many elements of each weight tensor (blocks spread evenly): beyond
     * it, the ratio of the two sums of squares is estimated (to about 2%, plenty for a signal read in orders of
     * magnitude) at a fraction of the cost of a full pass.
     */
    static final long MAX_RATIO_ELEMENTS = 8_192;

    private LayerWeights() {
    }

    /** The axis of {@code W} that indexes units, or -1 when units have no one-to-one slice of W. */
    static int unitAxis(Layer layer) {
        Class<?> type = layer.getClass();
        if (layer instanceof org.deeplearning4j.nn.layers.BaseOutputLayer || type == DenseLayer.class
                || type == EmbeddingLayer.class) {
            return 1;
        }
        if (type == ConvolutionLayer.class || type == Convolution1DLayer.class) {
            return 0;
        }
        return -1;
    }

    /**
     * ‖ΔW‖/‖W‖ of the step just applied, over all the layer's weights; NaN when it has none or they cannot be
     * read.
     *
     * @param updates the layer's gradient (= update) view per parameter, from {@link #updateViews}
     */
    static double updateRatio(Layer layer, Map<String, INDArray> updates) {
        return updateRatio(layer, StepViews.of(layer, updates));
    }

    /** As {@link #updateRatio(Layer, Map)}, from views prepared once; NaN when they no longer match the layer. */
    static double updateRatio(Layer layer, StepViews views) {
        if (views == null || views.steps.length == 0 || !views.matches(layer)) {
            return Double.NaN;
        }
        double[] sums = new double[2];
        for (Step step : views.steps) {
            WeightStats.addStep(step.weightData, step.weights.offset(), step.updateData, step.updateOffset,
                    step.length, MAX_RATIO_ELEMENTS, sums);
        }
        return WeightStats.updateRatio(sums);
    }

    /**
     * A layer's weight tensors and their updates with zero-copy views of both, checked and made once per gradient
     * array: making the NIO views and reading shapes and strides cost more than the sampled read itself. Used while
     * the layer still holds the same weight arrays on the same buffers ({@link #matches}).
     */
    static final class StepViews {
        final Step[] steps;

        private StepViews(Step[] steps) {
            this.steps = steps;
        }

        /** The layer's weights and their updates that can be read in place, or null without a table or updates. */
        static StepViews of(Layer layer, Map<String, INDArray> updates) {
            Map<String, INDArray> table = layer.paramTable();
            if (table == null || updates == null) {
                return null;
            }
            java.util.List<Step> steps = new java.util.ArrayList<>();
            for (Map.Entry<String, INDArray> e : table.entrySet()) {
                INDArray w = e.getValue();
                INDArray u = updates.get(e.getKey());
                if (!e.getKey().endsWith(WEIGHTS) || w == null || u == null || w.isEmpty()) {
                    continue;
                }
                long n = WeightStats.compactLength(w.shape(), w.stride());
                if (n != w.length() || u.length() != n || !Arrays.equals(w.shape(), u.shape())
                        || !Arrays.equals(w.stride(), u.stride())) {
                    continue;
                }
                TensorData weights = TensorReader.view(w);
                TensorData update = TensorReader.view(u);
                if (weights != null && update != null) {
                    steps.add(new Step(e.getKey(), w, weights, update, u.offset(), n));
                }
            }
            return new StepViews(steps.toArray(new Step[0]));
        }

        /** Whether the layer still holds these weight arrays, on the same buffers (identity checks only). */
        boolean matches(Layer layer) {
            for (Step step : steps) {
                INDArray w = layer.getParam(step.key);
                if (w != step.weights || w.data() != step.buffer) {
                    return false;
                }
            }
            return true;
        }
    }

    /** One weight tensor and its update, compact with the same layout, and views of both. */
    private static final class Step {
        final String key;
        final INDArray weights;
        final Object buffer;
        final TensorData weightData;
        final TensorData updateData;
        final long updateOffset;
        final long length;

        Step(String key, INDArray weights, TensorData weightData, TensorData updateData, long updateOffset,
             long length) {
            this.key = key;
            this.weights = weights;
            this.buffer = weights.data();
            this.weightData = weightData;
            this.updateData = updateData;
            this.updateOffset = updateOffset;
            this.length = length;
        }
    }

    /**
     * The layer's gradient view split per parameter ({@code W}, {@code b}…), as views (no data is copied), or null
     * when the layer has none. Each view has the layout of its parameter.
     */
    static Map<String, INDArray> updateViews(Layer layer) {
        INDArray flat = layer.getGradientsViewArray();
        if (flat == null || layer.conf() == null || layer.params() == null
                || flat.length() != layer.params().length()) {
            return null;
        }
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return layer.conf().getLayer().initializer().getGradientsFromFlattened(layer.conf(), flat);
        }
    }

    /**
     * Copies the layer's unit-mapped weights: the start of a window, for stagnant units. False when the copy was
     * skipped for lack of free heap ({@link io.deadunit.exporter.stats.Headroom}).
     */
    static boolean beginWindow(Layer layer, LayerMonitor monitor) {
        INDArray w = unitWeights(layer);
        TensorData data = w == null ? null : TensorReader.view(w);
        if (data == null) {
            monitor.weightTracker().clear();
            return true;
        }
        return monitor.weightTracker().begin(data, w.offset(), w.length());
    }

    /** Units whose weights equal the window-start copy, or -1. */
    static int stagnantUnits(Layer layer, LayerMonitor monitor) {
        INDArray w = unitWeights(layer);
        TensorData data = w == null ? null : TensorReader.view(w);
        if (data == null) {
            return -1;
        }
        return monitor.weightTracker().stagnantUnits(data, w.offset(), w.shape(), w.stride(), unitAxis(layer));
    }

    /** {@code W} when its units axis is known and it is compact; else null. */
    private static INDArray unitWeights(Layer layer) {
        int axis = unitAxis(layer);
        if (axis < 0) {
            return null;
        }
        INDArray w = layer.getParam(WEIGHTS);
        if (w == null || w.isEmpty() || axis >= w.rank()
                || WeightStats.compactLength(w.shape(), w.stride()) != w.length()) {
            return null;
        }
        return w;
    }

    /** Each unit's bias, when the layer's units map to {@code b} one-to-one; else null. */
    static double[] biases(Layer layer, int units) {
        if (unitAxis(layer) < 0 || units <= 0) {
            return null;
        }
        INDArray b = layer.getParam(BIAS);
        if (b == null || b.length() != units || WeightStats.compactLength(b.shape(), b.stride()) != units) {
            return null;
        }
        TensorData data = TensorReader.view(b);
        if (data == null) {
            return null;
        }
        double[] out = new double[units];
        // one bulk read: this runs once per window, mostly interpreted, where a call per unit is what costs
        data.read(b.offset(), units, 1, out);
        return out;
    }

    /** The learning rate of the updater of the layer's {@code W} at the iteration just done; NaN when none. */
    static double learningRate(Layer layer, Model model) {
        try {
            if (layer.getParam(WEIGHTS) == null) {
                return Double.NaN;
            }
            IUpdater updater = layer.conf().getLayer().getUpdaterByParam(WEIGHTS);
            if (updater == null || !updater.hasLearningRate()) {
                return Double.NaN;
            }
            ModelKind kind = ModelKind.of(model);
            if (kind == null) {
                return updater.getLearningRate(0, 0);
            }
            return updater.getLearningRate(Math.max(0, kind.iterationCount(model) - 1), kind.epochCount(model));
        } catch (RuntimeException e) {
            // layers without parameters throw UnsupportedOperationException from getUpdaterByParam
            return Double.NaN;
        }
    }
}
