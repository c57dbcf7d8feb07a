package io.deadunit.agent.dl4j;

import io.deadunit.exporter.monitor.LayerMonitor;
import io.deadunit.exporter.monitor.MonitorRegistry;
import io.deadunit.exporter.stats.DoubleTensorData;
import io.deadunit.exporter.stats.FloatTensorData;
import io.deadunit.exporter.stats.LayerSnapshot;
import io.deadunit.exporter.stats.TensorData;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Updater;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.layers.BaseOutputLayer;
import org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.AMSGrad;
import org.nd4j.linalg.learning.config.AdaBelief;
import org.nd4j.linalg.learning.config.AdaDelta;
import org.nd4j.linalg.learning.config.AdaGrad;
import org.nd4j.linalg.learning.config.AdaMax;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nadam;
import org.nd4j.linalg.learning.config.RmsProp;

import java.util.Map;
import java.util.WeakHashMap;

/**
 * ReDo-style recycling of dead units (Sokar et al., ICML 2023), opt-in ({@code revive=true}): for each dense hidden
 * layer of a MultiLayerNetwork, the units found dead in the window that just closed get fresh incoming weights from
 * the layer's own weight initialisation, a zero bias and zero outgoing weights (the next layer's incoming weights
 * from them), and the optimizer state of all those parameters is reset: momenta to 0, running scales (Adam's second
 * moment…) to the mean of their parameter's other elements (see {@link #scaleSegments} for why not 0). Zero outgoing
 * weights keep the network's output unchanged at the moment of revival. The output layer is never revived.
 *
 * <p>This is the one part of the agent that writes into arrays training uses. It runs on the training thread,
 * between two iterations (after the optimizer step).
 *
 * <p>Updater state: DL4J groups consecutive parameters with equal updater configuration into {@link UpdaterBlock}s;
 * a block of {@code n} parameters owns {@code stateSize(n)} elements of the updater state view, laid out as
 * {@code stateSize(n)/n} contiguous segments of {@code n} (Adam: {@code m} then {@code v}; Nesterovs, RmsProp,
 * AdaGrad: one segment; Sgd, NoOp: none), element {@code i} of a segment belonging to the block's parameter
 * {@code i}. A block whose state is not a whole number of segments is left alone.
 */
final class Revival {
    /** The snapshot each layer was last revived from, so that a stale snapshot is never used twice. */
    private final Map<LayerMonitor, LayerSnapshot> used = new WeakHashMap<>();

    /** Revives the dead units of every eligible layer of {@code net}; counts them in the layers' monitors. */
    void reviveDeadUnits(MultiLayerNetwork net, MonitorRegistry registry) {
        Layer[] layers = net.getLayers();
        if (layers == null) {
            return;
        }
        for (int i = 0; i + 1 < layers.length; i++) {
            Layer layer = layers[i];
            LayerMonitor monitor = registry.layer(layer);
            if (monitor == null || !eligible(net, layers, i)) {
                continue;
            }
            LayerSnapshot snapshot = monitor.snapshot();
            if (snapshot == null || used.get(monitor) == snapshot || snapshot.deadUnits() == 0) {
                continue;
            }
            used.put(monitor, snapshot);
            int revived = revive(net, layer, layers[i + 1], snapshot.deadUnitIndices(), snapshot.units());
            if (revived > 0) {
                monitor.onRevived(revived);
            }
        }
    }

    /**
     * A dense hidden layer whose output feeds, without preprocessor, a dense or output layer with a 2-D {@code W}.
     */
    static boolean eligible(MultiLayerNetwork net, Layer[] layers, int index) {
        if (index + 1 >= layers.length) {
            return false;
        }
        Layer layer = layers[index];
        Layer next = layers[index + 1];
        if (layer.getClass() != DenseLayer.class || layer instanceof BaseOutputLayer) {
            return false;
        }
        if (next.getClass() != DenseLayer.class && !(next instanceof BaseOutputLayer)) {
            return false;
        }
        if (net.getLayerWiseConfigurations().getInputPreProcess(index + 1) != null) {
            return false;
        }
        return layer.conf().getLayer() instanceof FeedForwardLayer && layer.getParam(LayerWeights.WEIGHTS) != null
                && next.getParam(LayerWeights.WEIGHTS) != null;
    }

    /**
     * Reinitialises units {@code dead} of {@code layer}: returns how many were revived (0 when the layer's shapes
     * are not the expected ones).
     */
    static int revive(MultiLayerNetwork net, Layer layer, Layer next, int[] dead, int units) {
        FeedForwardLayer conf = (FeedForwardLayer) layer.conf().getLayer();
        IWeightInit init = conf.getWeightInitFn();
        INDArray w = layer.getParam(LayerWeights.WEIGHTS);
        INDArray b = layer.getParam(LayerWeights.BIAS);
        INDArray nextW = next.getParam(LayerWeights.WEIGHTS);
        if (init == null || dead.length == 0 || w.rank() != 2 || w.size(1) != units || nextW.rank() != 2
                || nextW.size(0) != units || (b != null && b.length() != units)) {
            return 0;
        }
        long nIn = w.size(0);
        long nextOut = nextW.size(1);
        int k = dead.length;
        INDArray fresh;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            INDArray flat = Nd4j.createUninitialized(w.dataType(), nIn * k);
            // The layer's own initialisation, with the layer's fan-in and fan-out, for k columns.
            fresh = init.init(conf.getNIn(), conf.getNOut(), new long[] {nIn, k}, IWeightInit.DEFAULT_WEIGHT_INIT_ORDER,
                    flat);
        }
        for (int c = 0; c < k; c++) {
            int j = dead[c];
            for (long r = 0; r < nIn; r++) {
                w.putScalar(r, j, fresh.getDouble(r, c));
            }
            if (b != null) {
                putVector(b, j, 0);
            }
            for (long m = 0; m < nextOut; m++) {
                nextW.putScalar(j, m, 0);
            }
        }
        resetUpdaterState(net, layer, next, dead, w, b, nextW);
        return k;
    }

    private static void putVector(INDArray vector, long i, double value) {
        if (vector.rank() == 2) {
            if (vector.size(0) == 1) {
                vector.putScalar(0, i, value);
            } else {
                vector.putScalar(i, 0, value);
            }
        } else {
            vector.putScalar(i, value);
        }
    }

    /** Zeroes the updater state of the revived units' incoming weights, biases and outgoing weights. */
    static void resetUpdaterState(MultiLayerNetwork net, Layer layer, Layer next, int[] dead, INDArray w, INDArray b,
                                  INDArray nextW) {
        Updater updater = net.getUpdater(false);
        if (!(updater instanceof BaseMultiLayerUpdater)) {
            return;
        }
        BaseMultiLayerUpdater<?> multi = (BaseMultiLayerUpdater<?>) updater;
        INDArray state = multi.getStateViewArray();
        if (state == null) {
            return;
        }
        for (UpdaterBlock block : multi.getUpdaterBlocks()) {
            for (UpdaterBlock.ParamState p : block.getLayersAndVariablesInBlock()) {
                long[] positions = null;
                if (p.getLayer() == layer && LayerWeights.WEIGHTS.equals(p.getParamName())) {
                    positions = columns(w, dead);
                } else if (p.getLayer() == layer && LayerWeights.BIAS.equals(p.getParamName()) && b != null) {
                    positions = elements(b, dead);
                } else if (p.getLayer() == next && LayerWeights.WEIGHTS.equals(p.getParamName())) {
                    positions = rows(nextW, dead);
                }
                if (positions != null) {
                    resetState(state, block, p, positions);
                }
            }
        }
    }

    /**
     * Resets the state of parameters {@code positions} (indices within parameter {@code p}) in every state segment of
     * {@code block}: momentum-like segments are zeroed; scale-like segments (second moments and other running
     * averages of squares, see {@link #scaleSegments}) are set to the mean of the same segment over the parameter's
     * other elements that have a non-zero state (0 when none has).
     */
    static void resetState(INDArray state, UpdaterBlock block, UpdaterBlock.ParamState p, long[] positions) {
        long blockStart = block.getParamOffsetStart();
        long n = block.getParamOffsetEnd() - blockStart;
        long stateStart = block.getUpdaterViewOffsetStart();
        long stateLength = block.getUpdaterViewOffsetEnd() - stateStart;
        if (n <= 0 || stateLength <= 0 || stateLength % n != 0) {
            return;
        }
        int segments = (int) (stateLength / n);
        boolean[] scale = scaleSegments(updaterOf(block), segments);
        long start = p.getParamOffsetStart() - blockStart;
        long length = p.getParamOffsetEnd() - p.getParamOffsetStart();
        for (int segment = 0; segment < segments; segment++) {
            long[] indices = stateIndices(blockStart, blockStart + n, stateStart + segment * n,
                    stateStart + (segment + 1) * n, start, positions);
            for (long index : indices) {
                state.putScalar(index, 0);
            }
            if (scale[segment]) {
                double mean = meanOfNonZero(state, stateStart + segment * n + start, length);
                if (mean != 0) {
                    for (long index : indices) {
                        state.putScalar(index, mean);
                    }
                }
            }
        }
    }

    private static IUpdater updaterOf(UpdaterBlock block) {
        try {
            return block.getGradientUpdater().getConfig();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * Which of an updater's {@code segments} state segments hold a running scale (second moment, accumulated squares)
     * rather than a momentum. Zeroing a scale at a late iteration would not give a fresh start: DL4J's bias
     * correction uses the block's global iteration, so Adam's first steps after a zeroed {@code v} are 3 to 6 times
     * the learning rate. Unknown updaters: none (everything is zeroed).
     */
    static boolean[] scaleSegments(IUpdater updater, int segments) {
        boolean[] scale = new boolean[segments];
        if (updater instanceof Adam || updater instanceof Nadam || updater instanceof AdaMax
                || updater instanceof AMSGrad || updater instanceof AdaBelief) {
            for (int s = 1; s < segments; s++) {
                scale[s] = true;       // segment 0 is the first moment m
            }
        } else if (updater instanceof RmsProp || updater instanceof AdaGrad || updater instanceof AdaDelta) {
            java.util.Arrays.fill(scale, true);
        }
        return scale;
    }

    /** Mean of the non-zero elements {@code [from, from + length)} of a vector; 0 when there are none. */
    private static double meanOfNonZero(INDArray vector, long from, long length) {
        TensorData data = vector.dataType() == DataType.FLOAT ? new FloatTensorData(vector.data().asNioFloat())
                : vector.dataType() == DataType.DOUBLE ? new DoubleTensorData(vector.data().asNioDouble()) : null;
        long step = elementStride(vector);
        double sum = 0;
        long count = 0;
        for (long i = from; i < from + length; i++) {
            double v = data != null ? data.get(vector.offset() + i * step) : vector.getDouble(i);
            if (v != 0) {
                sum += v;
                count++;
            }
        }
        return count == 0 ? 0 : sum / count;
    }

    /** The stride between consecutive elements of a vector ({@code [n]}, {@code [1, n]} or {@code [n, 1]}). */
    private static long elementStride(INDArray vector) {
        long[] stride = vector.stride();
        long step = 1;
        for (int a = 0; a < vector.rank(); a++) {
            if (vector.size(a) > 1) {
                step = stride[a];
            }
        }
        return step;
    }

    /**
     * Indices in the whole updater state view of the state of parameters {@code positions} of a parameter that
     * starts {@code start} elements into a block of parameters {@code [paramStart, paramEnd)} whose state is
     * {@code [stateStart, stateEnd)}; empty when the block has no state or its state is not whole segments.
     */
    static long[] stateIndices(long paramStart, long paramEnd, long stateStart, long stateEnd, long start,
                               long[] positions) {
        long n = paramEnd - paramStart;
        long stateLength = stateEnd - stateStart;
        if (n <= 0 || stateLength <= 0 || stateLength % n != 0) {
            return new long[0];
        }
        int segments = (int) (stateLength / n);
        long[] out = new long[segments * positions.length];
        int o = 0;
        for (int s = 0; s < segments; s++) {
            for (long position : positions) {
                out[o++] = stateStart + s * n + start + position;
            }
        }
        return out;
    }

    /** Positions within the compact {@code w [nIn, nOut]} of its columns {@code units}. */
    static long[] columns(INDArray w, int[] units) {
        int rows = (int) w.size(0);
        long[] stride = w.stride();
        long[] out = new long[units.length * rows];
        int o = 0;
        for (int j : units) {
            for (long r = 0; r < rows; r++) {
                out[o++] = r * stride[0] + j * stride[1];
            }
        }
        return out;
    }

    /** Positions within the compact {@code w [nIn, nOut]} of its rows {@code units}. */
    static long[] rows(INDArray w, int[] units) {
        int columns = (int) w.size(1);
        long[] stride = w.stride();
        long[] out = new long[units.length * columns];
        int o = 0;
        for (int j : units) {
            for (long m = 0; m < columns; m++) {
                out[o++] = j * stride[0] + m * stride[1];
            }
        }
        return out;
    }

    /** Positions within a compact vector ({@code [n]}, {@code [1, n]} or {@code [n, 1]}) of elements {@code units}. */
    static long[] elements(INDArray vector, int[] units) {
        long step = elementStride(vector);
        long[] out = new long[units.length];
        for (int i = 0; i < units.length; i++) {
            out[i] = units[i] * step;
        }
        return out;
    }
}
