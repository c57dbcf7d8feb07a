package io.deadunit.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.wrapper.BaseWrapperLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationHardSigmoid;
import org.nd4j.linalg.activations.impl.ActivationHardTanH;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftSign;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Ground truth for the integration tests, computed from DL4J alone (a plain user-level {@link
 * org.deeplearning4j.optimize.api.TrainingListener}), never from the agent.
 *
 * <p>{@code onForwardPass} receives the very activations of each training forward pass (MultiLayerNetwork: index 0
 * is the input, then one entry per layer except the output layer; ComputationGraph: by vertex name, output layers
 * excluded). They live in a workspace, so they are reduced to Java arrays immediately, outside any workspace.
 *
 * <p>Output layers ({@code OutputLayer}, {@code RnnOutputLayer}) are not in that list: their activation is
 * recomputed here as {@code activation(input · W + b)} from the input DL4J hands to them and their current
 * parameters (same values the training pass uses; the matrix product may differ from DL4J's in the last bit, which
 * cannot change "exactly 0" or a 1%-margin verdict in the trainers' constructions). Such layers carry
 * {@code "output":true} in the JSON.
 *
 * <p>Gradients (dL/d output of each hidden layer, what the agent calls the gradient arriving at the layer) are
 * recomputed by a manual backward pass only for plain dense networks (DenseLayer hidden layers, an OutputLayer, no
 * dropout or preprocessors): see {@link Recomputed#denseBackprop}. Then each hidden layer also has {@code zeroGradientUnits}
 * and {@code gradientNorm} (mean over the window of the L2 norm of dL/d output, with DL4J's convention: the loss
 * gradient is the sum over the minibatch, not the mean).
 *
 * <p>Semantics (per layer, over the last {@code window} forward passes):
 * <ul>
 * <li>unit = output channel: axis 1 (dense, NCHW, NCW) or the last axis (NHWC, NWC: {@code channelsLast}); all
 * other axes (batch, space, time) are positions;</li>
 * <li>dead: output exactly 0 at every position of every pass in the window;</li>
 * <li>saturated (sigmoid, hard sigmoid: [0,1]; tanh, hard tanh, softsign: [-1,1]; margin 1% of the range): units
 * with at least 99% of their positions within the margin of a bound; 0 for other activations;</li>
 * <li>dormant_τ: s_i = E|h_i| / mean_k E|h_k| ≤ τ (τ = 0.025, 0.1); when every E|h_k| is 0 every unit counts;</li>
 * <li>activity: per unit, fraction of non-zero outputs (bounded activations: of non-saturated outputs).</li>
 * </ul>
 */
public final class GroundTruth extends BaseTrainingListener {

    static final double[] TAUS = {0.025, 0.1};

    private final boolean channelsLast;
    private final Map<String, LayerMeta> meta = new LinkedHashMap<>();
    private final List<Map<String, StepStats>> steps = new ArrayList<>();
    private String modelType = "?";
    private boolean gradients;
    private double lastScore = Double.NaN;

    GroundTruth(boolean channelsLast) {
        this.channelsLast = channelsLast;
    }

    static final class LayerMeta {
        String name;
        int index;
        int vertexIndex = -1;
        String type;
        String activation;
        boolean bounded;
        double lo;
        double hi;
        boolean output;
    }

    /** Per-unit reduction of one forward pass of one layer. */
    static final class StepStats {
        int units;
        long[] count;
        long[] nonzero;
        long[] saturated;
        double[] sumAbs;
        double sum;
        double sumSq;
        long nonfinite;
        // gradient (dense networks only)
        boolean hasGradient;
        boolean[] gradNonzero;
        double gradNorm;
    }

    // ------------------------------------------------------------------------------------------------ listener

    /** The model's score after the last iteration (what dl4j_model_score should show). */
    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        lastScore = model.score();
    }

    @Override
    public void onForwardPass(Model model, List<INDArray> activations) {
        MultiLayerNetwork net = (MultiLayerNetwork) model;
        modelType = "MultiLayerNetwork";
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            Map<String, StepStats> step = new LinkedHashMap<>();
            int n = net.getnLayers();
            for (int i = 0; i < n; i++) {
                Layer layer = net.getLayer(i);
                org.deeplearning4j.nn.conf.layers.Layer conf = layer.conf().getLayer();
                LayerMeta m = meta(conf.getLayerName(), i, -1, layer, conf);
                INDArray out;
                if (i + 1 < activations.size()) {
                    out = activations.get(i + 1);
                } else if (i == n - 1) {
                    InputPreProcessor pp = net.getLayerWiseConfigurations().getInputPreProcess(i);
                    out = Recomputed.output(conf, layer, activations.get(activations.size() - 1), pp);
                    if (out == null) {
                        meta.remove(m.name);
                        continue;
                    }
                    m.output = true;
                } else {
                    continue;
                }
                step.put(m.name, reduce(out, m));
            }
            if (Recomputed.isPlainDense(net)) {
                gradients = true;
                Recomputed.denseBackprop(net, activations, step);
            }
            steps.add(step);
        }
    }

    @Override
    public void onForwardPass(Model model, Map<String, INDArray> activations) {
        ComputationGraph graph = (ComputationGraph) model;
        modelType = "ComputationGraph";
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            Map<String, StepStats> step = new LinkedHashMap<>();
            int[] order = graph.topologicalSortOrder();
            List<String> outputs = graph.getConfiguration().getNetworkOutputs();
            for (int vi : order) {
                org.deeplearning4j.nn.graph.vertex.GraphVertex v = graph.getVertices()[vi];
                if (!v.hasLayer()) {
                    continue;
                }
                String name = v.getVertexName();
                Layer layer = v.getLayer();
                org.deeplearning4j.nn.conf.layers.Layer conf = layer.conf().getLayer();
                INDArray out = activations.get(name);
                boolean isOutput = false;
                if (out == null && outputs.contains(name)) {
                    List<String> inputs = graph.getConfiguration().getVertexInputs().get(name);
                    if (inputs == null || inputs.size() != 1 || activations.get(inputs.get(0)) == null) {
                        continue;
                    }
                    GraphVertex cv = graph.getConfiguration().getVertices().get(name);
                    InputPreProcessor pp = cv instanceof LayerVertex ? ((LayerVertex) cv).getPreProcessor() : null;
                    out = Recomputed.output(conf, layer, activations.get(inputs.get(0)), pp);
                    isOutput = true;
                }
                if (out == null) {
                    continue;
                }
                LayerMeta m = meta(name, layer.getIndex(), vi, layer, conf);
                m.output = isOutput;
                step.put(name, reduce(out, m));
            }
            steps.add(step);
        }
    }

    // ------------------------------------------------------------------------------------------------ reduction

    private LayerMeta meta(String name, int index, int vertexIndex, Layer layer,
                           org.deeplearning4j.nn.conf.layers.Layer conf) {
        LayerMeta m = meta.get(name);
        if (m != null) {
            return m;
        }
        m = new LayerMeta();
        m.name = name;
        m.index = index;
        m.vertexIndex = vertexIndex;
        m.type = layer.getClass().getSimpleName();
        IActivation act = activationOf(layer, conf);
        m.activation = act == null ? "none" : act.toString();
        if (act instanceof ActivationSigmoid || act instanceof ActivationHardSigmoid) {
            m.bounded = true;
            m.lo = 0;
            m.hi = 1;
        } else if (act instanceof ActivationTanH || act instanceof ActivationHardTanH
                || act instanceof ActivationSoftSign) {
            m.bounded = true;
            m.lo = -1;
            m.hi = 1;
        }
        meta.put(name, m);
        return m;
    }

    static org.deeplearning4j.nn.conf.layers.Layer unwrap(org.deeplearning4j.nn.conf.layers.Layer conf) {
        for (int guard = 0; guard < 10; guard++) {
            if (conf instanceof FrozenLayer) {
                conf = ((FrozenLayer) conf).getLayer();
            } else if (conf instanceof BaseWrapperLayer) {   // FrozenLayerWithBackprop, TimeDistributed, ...
                conf = ((BaseWrapperLayer) conf).getUnderlying();
            } else if (conf instanceof Bidirectional) {
                conf = ((Bidirectional) conf).getFwd();
            } else {
                break;
            }
        }
        return conf;
    }

    /**
     * The activation the layer really applies. Some layers inherit an activation in their configuration (the
     * builder's global default, sigmoid) but never apply it: BatchNormalization, DropoutLayer,
     * LocalResponseNormalization. Their outputs are unbounded, so they are not candidates for saturation.
     */
    static IActivation activationOf(Layer impl, org.deeplearning4j.nn.conf.layers.Layer conf) {
        Layer inner = unwrap(impl);
        String kind = inner.getClass().getSimpleName();
        if (kind.equals("BatchNormalization") || kind.equals("DropoutLayer")
                || kind.equals("LocalResponseNormalization")) {
            return null;
        }
        org.deeplearning4j.nn.conf.layers.Layer u = unwrap(conf);
        return u instanceof BaseLayer ? ((BaseLayer) u).getActivationFn() : null;
    }

    static Layer unwrap(Layer impl) {
        for (int guard = 0; guard < 10; guard++) {
            if (impl instanceof org.deeplearning4j.nn.layers.FrozenLayer) {
                impl = ((org.deeplearning4j.nn.layers.FrozenLayer) impl).getInsideLayer();
            } else if (impl instanceof org.deeplearning4j.nn.layers.wrapper.BaseWrapperLayer) {
                impl = ((org.deeplearning4j.nn.layers.wrapper.BaseWrapperLayer) impl).getUnderlying();
            } else {
                break;
            }
        }
        return impl;
    }

    private int unitAxis(INDArray a) {
        return a.rank() >= 3 && channelsLast ? a.rank() - 1 : 1;
    }

    private StepStats reduce(INDArray a, LayerMeta m) {
        return reduce(a, unitAxis(a), m);
    }

    static StepStats reduce(INDArray a, int axis, LayerMeta m) {
        long[] shape = a.shape();
        float[] data = a.castTo(DataType.FLOAT).dup('c').data().asFloat();
        int units = (int) shape[axis];
        long inner = 1;
        for (int k = axis + 1; k < shape.length; k++) {
            inner *= shape[k];
        }
        StepStats s = new StepStats();
        s.units = units;
        s.count = new long[units];
        s.nonzero = new long[units];
        s.saturated = new long[units];
        s.sumAbs = new double[units];
        double low = m.lo + 0.01 * (m.hi - m.lo);
        double high = m.hi - 0.01 * (m.hi - m.lo);
        for (int idx = 0; idx < data.length; idx++) {
            int u = (int) ((idx / inner) % units);
            float v = data[idx];
            if (!(Math.abs(v) <= Float.MAX_VALUE)) {
                s.nonfinite++;
            }
            s.count[u]++;
            if (v != 0f) {
                s.nonzero[u]++;
            }
            if (m.bounded && (v <= low || v >= high)) {
                s.saturated[u]++;
            }
            s.sumAbs[u] += Math.abs(v);
            s.sum += v;
            s.sumSq += (double) v * v;
        }
        return s;
    }

    // ------------------------------------------------------------------------------------------------ output

    /** Writes the ground truth over the last {@code window} forward passes (all of them when window &lt; 1). */
    void write(Path file, long window) throws IOException {
        int total = steps.size();
        int w = window < 1 ? total : (int) Math.min(window, total);
        List<Map<String, StepStats>> last = steps.subList(total - w, total);
        StringBuilder sb = new StringBuilder();
        sb.append("{\n  \"model\": \"").append(modelType).append("\",\n");
        sb.append("  \"steps\": ").append(total).append(",\n");
        sb.append("  \"window\": ").append(w).append(",\n");
        sb.append("  \"score\": ").append(fmt(lastScore)).append(",\n");
        sb.append("  \"layers\": {");
        boolean firstLayer = true;
        for (LayerMeta m : meta.values()) {
            WindowAggregate a = WindowAggregate.of(m, last);
            if (a == null) {
                continue;
            }
            sb.append(firstLayer ? "\n" : ",\n");
            firstLayer = false;
            sb.append("    \"").append(m.name).append("\": {");
            field(sb, "index", m.index, true);
            field(sb, "vertexIndex", m.vertexIndex, false);
            str(sb, "type", m.type);
            str(sb, "activation", m.activation);
            sb.append(", \"output\": ").append(m.output);
            field(sb, "units", a.units, false);
            field(sb, "dead", a.dead, false);
            field(sb, "saturated", a.saturated, false);
            field(sb, "dormant_0.025", a.dormant[0], false);
            field(sb, "dormant_0.1", a.dormant[1], false);
            field(sb, "positions", a.positions, false);
            num(sb, "zeroRatio", a.zeroRatio);
            num(sb, "mean", a.mean);
            num(sb, "stddev", a.stddev);
            field(sb, "nonfinite", a.nonfinite, false);
            if (a.hasGradient) {
                field(sb, "zeroGradientUnits", a.zeroGradientUnits, false);
                num(sb, "gradientNorm", a.gradientNorm);
            }
            sb.append(", \"activity\": [");
            for (int u = 0; u < a.activity.length; u++) {
                sb.append(u == 0 ? "" : ", ").append(fmt(a.activity[u]));
            }
            sb.append("]}");
        }
        sb.append("\n  }\n}\n");
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void field(StringBuilder sb, String name, long v, boolean first) {
        sb.append(first ? "" : ", ").append('"').append(name).append("\": ").append(v);
    }

    private static void num(StringBuilder sb, String name, double v) {
        sb.append(", \"").append(name).append("\": ").append(fmt(v));
    }

    private static void str(StringBuilder sb, String name, String v) {
        sb.append(", \"").append(name).append("\": \"").append(v.replace("\\", "\\\\").replace("\"", "\\\""))
                .append('"');
    }

    private static String fmt(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "null";
        }
        return String.format(Locale.ROOT, "%.9g", v);
    }
}
