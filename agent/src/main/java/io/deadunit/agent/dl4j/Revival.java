package io.deadunit.agent.dl4j;

import io.deadunit.exporter.monitor.LayerMonitor;
import io.deadunit.exporter.monitor.MonitorRegistry;
import io.deadunit.exporter.stats.LayerSnapshot;
import io.deadunit.exporter.stats.TensorData;
import io.deadunit.exporter.util.WeakIdentityMap;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Updater;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.layers.BaseOutputLayer;
import org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;

import java.io.PrintStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * ReDo-style recycling of dead units (Sokar et al., ICML 2023), opt-in ({@code revive=true}): for each dense hidden
 * layer of a MultiLayerNetwork, the units found dead in the training window that just closed get fresh incoming
 * weights from the layer's own weight initialisation, a zero bias and zero outgoing weights (the next layer's
 * incoming weights from them), and the optimizer state of all those parameters is reset: momenta to 0, running
 * scales (Adam's second moment…) to the mean of their parameter's other non-zero elements, not to 0 (see
 * {@link UpdaterStateLayout.Kind#scaleSegments}). Zero outgoing weights keep the network's output unchanged at the
 * moment of revival. The index maths lives in {@link UpdaterStateLayout}.
 *
 * <p>Never revived: the output layer; layers that are meant to stay fixed, i.e. wrapped (FrozenLayer…) or trained
 * with NoOp or a learning rate of 0, and layers whose next layer is; layers trained with an optimizer whose state
 * layout revival does not know (one stderr line per optimizer: resetting the wrong segments would corrupt it); the
 * worker replicas of a ParallelWrapper (one stderr line: a replica revived alone diverges from the others, or is
 * averaged away).
 *
 * <p>This is the one part of the agent that writes into arrays training uses. It runs on the training thread,
 * between two iterations (after the optimizer step). One instance serves every training thread: its state is in
 * concurrent maps keyed by identity, and a model is only ever revived by the thread that trains it.
 */
final class Revival {
    private static final String PARALLELISM = "org.deeplearning4j.parallelism.";

    private final PrintStream log;
    /** The snapshot each layer was last revived from, so that a stale snapshot is never used twice. */
    private final WeakIdentityMap<LayerMonitor, AtomicReference<LayerSnapshot>> used = new WeakIdentityMap<>();
    /** Whether a model is trained by a ParallelWrapper worker (decided once per model, at its first revival). */
    private final WeakIdentityMap<Object, Boolean> replicas = new WeakIdentityMap<>();
    private final Set<String> said = ConcurrentHashMap.newKeySet();

    Revival(PrintStream log) {
        this.log = log;
    }

    /** Revives the dead units of every eligible layer of {@code net}; counts them in the layers' monitors. */
    void reviveDeadUnits(MultiLayerNetwork net, MonitorRegistry registry) {
        used.expunge();
        replicas.expunge();
        Layer[] layers = net.getLayers();
        if (layers == null || isReplica(net)) {
            return;
        }
        for (int i = 0; i + 1 < layers.length; i++) {
            Layer layer = layers[i];
            LayerMonitor monitor = registry.layer(layer);
            if (monitor == null || !eligible(net, layers, i) || !trainable(net, layer) || !trainable(net, layers[i + 1])) {
                continue;
            }
            LayerSnapshot snapshot = monitor.snapshot();
            if (snapshot == null || snapshot.deadUnits() == 0
                    || used.computeIfAbsent(monitor, m -> new AtomicReference<>()).getAndSet(snapshot) == snapshot) {
                continue;
            }
            int revived = revive(net, layer, layers[i + 1], snapshot.deadUnitIndices(), snapshot.units());
            if (revived > 0) {
                monitor.onRevived(revived);
            }
        }
    }

    /**
     * ParallelWrapper trains replicas of the model on worker threads and merges them (by averaging parameters or by
     * sharing updates): a unit revived in one replica would be averaged away or make that replica diverge from the
     * others, so replicas are never revived. Told apart by DL4J's parallelism classes on the training thread's stack.
     */
    private boolean isReplica(Object net) {
        Boolean known = replicas.get(net);
        if (known == null) {
            boolean replica = StackWalker.getInstance().walk(frames -> frames.anyMatch(
                    f -> f.getClassName().startsWith(PARALLELISM)));
            known = replicas.computeIfAbsent(net, k -> replica);
        }
        if (known) {
            sayOnce("parallelwrapper", "deadunit: revive=true is ignored for models trained by ParallelWrapper: its"
                    + " workers' replicas are merged, so a unit revived in one replica would be averaged away or"
                    + " diverge from the others; nothing is revived, dead units are still reported.");
        }
        return known;
    }

    /**
     * Whether revival may write into {@code layer}'s parameters and optimizer state: not when it is meant to stay
     * fixed (NoOp updater, learning rate 0 now) or when its optimizer's state layout is unknown (one stderr line).
     */
    boolean trainable(MultiLayerNetwork net, Layer layer) {
        for (String param : new String[] {LayerWeights.WEIGHTS, LayerWeights.BIAS}) {
            if (layer.getParam(param) == null) {
                continue;
            }
            IUpdater updater = layer.conf().getLayer().getUpdaterByParam(param);
            String name = updater == null ? "null" : updater.getClass().getName();
            UpdaterStateLayout.Kind kind = UpdaterStateLayout.Kind.of(name);
            if (kind == null) {
                sayOnce("updater " + name, "deadunit: revive=true: optimizer " + name + " is unknown to revival (the"
                        + " layout of its state is not known, and resetting the wrong part would corrupt it): layers"
                        + " trained with it are not revived.");
                return false;
            }
            if (name.endsWith(".NoOp") || (updater.hasLearningRate()
                    && updater.getLearningRate(Math.max(0, net.getIterationCount() - 1), net.getEpochCount()) == 0)) {
                return false;
            }
        }
        return true;
    }

    private void sayOnce(String what, String line) {
        if (said.add(what)) {
            log.println(line);
        }
    }

    /**
     * A dense hidden layer whose output feeds, without preprocessor, a dense or output layer with a 2-D {@code W}.
     * Wrapped layers (FrozenLayer…) are neither.
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

    /**
     * Resets the updater state of the revived units' incoming weights, biases and outgoing weights (momenta zeroed,
     * running scales re-seeded: {@link #resetState}).
     */
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
                    positions = UpdaterStateLayout.columns(w.size(0), w.stride(), dead);
                } else if (p.getLayer() == layer && LayerWeights.BIAS.equals(p.getParamName()) && b != null) {
                    positions = UpdaterStateLayout.elements(b.shape(), b.stride(), dead);
                } else if (p.getLayer() == next && LayerWeights.WEIGHTS.equals(p.getParamName())) {
                    positions = UpdaterStateLayout.rows(nextW.size(1), nextW.stride(), dead);
                }
                if (positions != null) {
                    resetState(state, block, p, positions);
                }
            }
        }
    }

    /**
     * Resets the state of parameters {@code positions} (indices within parameter {@code p}) in every state segment of
     * {@code block}: momentum-like segments are zeroed; scale-like segments are set to the mean of the same segment
     * over the parameter's other elements that have a non-zero state (0 when none has). A block whose layout or
     * optimizer is unknown is left alone.
     */
    static void resetState(INDArray state, UpdaterBlock block, UpdaterBlock.ParamState p, long[] positions) {
        long n = block.getParamOffsetEnd() - block.getParamOffsetStart();
        long stateStart = block.getUpdaterViewOffsetStart();
        int segments = UpdaterStateLayout.segments(n, block.getUpdaterViewOffsetEnd() - stateStart);
        UpdaterStateLayout.Kind kind = kindOf(block);
        if (segments == 0 || kind == null) {
            return;
        }
        boolean[] scale = kind.scaleSegments(segments);
        long start = p.getParamOffsetStart() - block.getParamOffsetStart();
        long length = p.getParamOffsetEnd() - p.getParamOffsetStart();
        UpdaterStateLayout.Vector vector = vector(state);
        for (int segment = 0; segment < segments; segment++) {
            long[] indices = UpdaterStateLayout.stateIndices(stateStart, n, segment, start, positions);
            for (long index : indices) {
                state.putScalar(index, 0);
            }
            if (scale[segment]) {
                double mean = UpdaterStateLayout.meanOfNonZero(vector, stateStart + segment * n + start, length);
                if (mean != 0) {
                    for (long index : indices) {
                        state.putScalar(index, mean);
                    }
                }
            }
        }
    }

    private static UpdaterStateLayout.Kind kindOf(UpdaterBlock block) {
        try {
            IUpdater config = block.getGradientUpdater().getConfig();
            return config == null ? null : UpdaterStateLayout.Kind.of(config.getClass().getName());
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Element access to a vector without a native call per element (for float and double state). */
    private static UpdaterStateLayout.Vector vector(INDArray v) {
        TensorData data = TensorReader.view(v);
        long step = UpdaterStateLayout.elementStride(v.shape(), v.stride());
        long offset = v.offset();
        return data != null ? i -> data.get(offset + i * step) : v::getDouble;
    }
}
