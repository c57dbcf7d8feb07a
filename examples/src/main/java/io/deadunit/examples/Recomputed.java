package io.deadunit.examples;

import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;

import io.deadunit.examples.GroundTruth.StepStats;

/**
 * What DL4J does not hand to a training listener, recomputed for {@link GroundTruth} from the layers' inputs and
 * current parameters: the activations of output layers, and, for plain dense networks, the gradient arriving at
 * each hidden layer's output.
 */
final class Recomputed {
    private Recomputed() {
    }

    /** activation(input · W + b) for OutputLayer / RnnOutputLayer; null for other output kinds. */
    static INDArray output(org.deeplearning4j.nn.conf.layers.Layer conf, Layer layer, INDArray input,
                          InputPreProcessor pp) {
        if (!(conf instanceof BaseOutputLayer)) {
            return null;
        }
        INDArray in = input.dup();
        if (pp != null) {
            in = pp.preProcess(in, (int) in.size(0), LayerWorkspaceMgr.noWorkspaces()).dup();
        }
        INDArray in2d;
        if (in.rank() == 3) {
            RNNFormat f = conf instanceof RnnOutputLayer ? ((RnnOutputLayer) conf).getRnnDataFormat() : RNNFormat.NCW;
            if (f == RNNFormat.NWC) {
                in2d = in.dup('c').reshape('c', in.size(0) * in.size(1), in.size(2));
            } else {
                in2d = in.permute(0, 2, 1).dup('c').reshape('c', in.size(0) * in.size(2), in.size(1));
            }
        } else if (in.rank() == 2) {
            in2d = in;
        } else {
            return null;
        }
        INDArray w = layer.getParam("W").dup();
        INDArray z = in2d.castTo(w.dataType()).mmul(w);
        INDArray b = layer.getParam("b");
        if (b != null) {
            z.addiRowVector(b.dup().reshape(1, b.length()));
        }
        return ((BaseLayer) conf).getActivationFn().getActivation(z, true);
    }



    static boolean isPlainDense(MultiLayerNetwork net) {
        int n = net.getnLayers();
        if (n < 2 || net.getLabels() == null) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            org.deeplearning4j.nn.conf.layers.Layer c = net.getLayer(i).conf().getLayer();
            boolean ok = i < n - 1
                    ? c.getClass() == org.deeplearning4j.nn.conf.layers.DenseLayer.class
                    : c.getClass() == org.deeplearning4j.nn.conf.layers.OutputLayer.class;
            if (!ok || c.getIDropout() != null || ((BaseLayer) c).getWeightNoise() != null
                    || net.getLayerWiseConfigurations().getInputPreProcess(i) != null) {
                return false;
            }
        }
        return true;
    }

    /**
     * Manual backward pass: delta_out = lossFn.computeGradient(labels, z_out) (what BaseOutputLayer does), then
     * eps_l = delta_{l+1} · W_{l+1}^T is the gradient arriving at layer l's output, and
     * delta_l = activation_l.backprop(z_l, eps_l) (what BaseLayer.backpropGradient does).
     */
    static void denseBackprop(MultiLayerNetwork net, List<INDArray> activations, Map<String, StepStats> step) {
        int n = net.getnLayers();
        Layer outLayer = net.getLayer(n - 1);
        BaseOutputLayer outConf = (BaseOutputLayer) outLayer.conf().getLayer();
        ILossFunction loss = outConf.getLossFn();
        INDArray labels = net.getLabels().dup();
        INDArray zOut = preOutput(outLayer, activations.get(n - 1));
        INDArray delta = loss.computeGradient(labels, zOut, outConf.getActivationFn(), null);
        INDArray eps = delta.mmul(outLayer.getParam("W").dup().transpose());
        for (int l = n - 2; l >= 0; l--) {
            Layer layer = net.getLayer(l);
            StepStats s = step.get(layer.conf().getLayer().getLayerName());
            float[] e = eps.castTo(DataType.FLOAT).dup('c').data().asFloat();
            int units = (int) eps.size(1);
            s.hasGradient = true;
            s.gradNonzero = new boolean[units];
            double sq = 0;
            for (int idx = 0; idx < e.length; idx++) {
                if (e[idx] != 0f) {
                    s.gradNonzero[idx % units] = true;
                }
                sq += (double) e[idx] * e[idx];
            }
            s.gradNorm = Math.sqrt(sq);
            if (l == 0) {
                break;
            }
            INDArray z = preOutput(layer, activations.get(l));
            IActivation act = ((BaseLayer) layer.conf().getLayer()).getActivationFn();
            INDArray d = act.backprop(z, eps.dup()).getFirst();
            eps = d.mmul(layer.getParam("W").dup().transpose());
        }
    }

    private static INDArray preOutput(Layer layer, INDArray input) {
        INDArray w = layer.getParam("W").dup();
        INDArray z = input.dup().castTo(w.dataType()).mmul(w);
        INDArray b = layer.getParam("b");
        if (b != null) {
            z.addiRowVector(b.dup().reshape(1, b.length()));
        }
        return z;
    }

}
