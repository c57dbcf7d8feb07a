package io.deadunit.agent.dl4j;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Revival on real networks, and the layout of DL4J's updater state that it relies on. The layout is checked
 * independently of the code under test: parameters that never receive a gradient (a dead unit's incoming weights
 * and bias, its outgoing weights) must have exactly zero optimizer state at the positions the mapping names, while
 * the other parameters' state is not zero.
 */
class RevivalTest {
    private static final int DEAD = 3;
    private static final int[] DEAD_UNITS = {0, 1, 2};

    private static MultiLayerNetwork trained(IUpdater updater) {
        MultiLayerNetwork net = WeightNets.mlp(updater, DEAD);
        INDArray[] batch = WeightNets.batch(9, 32, WeightNets.IN);
        for (int i = 0; i < 5; i++) {
            net.fit(batch[0], batch[1]);
        }
        return net;
    }

    /** Indices in the whole state view of the revived parameters of hidden layer 1 (and its outgoing weights). */
    private static Set<Long> revivedStateIndices(MultiLayerNetwork net) {
        return revivedStateIndices(net, -1);
    }

    /** The same, in one state segment only ({@code -1}: all). */
    private static Set<Long> revivedStateIndices(MultiLayerNetwork net, int segment) {
        Layer h1 = net.getLayer(1);
        Layer out = net.getLayer(2);
        BaseMultiLayerUpdater<?> updater = (BaseMultiLayerUpdater<?>) net.getUpdater(false);
        Set<Long> indices = new HashSet<>();
        for (UpdaterBlock block : updater.getUpdaterBlocks()) {
            for (UpdaterBlock.ParamState p : block.getLayersAndVariablesInBlock()) {
                long[] positions = null;
                INDArray w = h1.getParam("W");
                if (p.getLayer() == h1 && p.getParamName().equals("W")) {
                    positions = UpdaterStateLayout.columns(w.size(0), w.stride(), DEAD_UNITS);
                } else if (p.getLayer() == h1 && p.getParamName().equals("b")) {
                    INDArray b = h1.getParam("b");
                    positions = UpdaterStateLayout.elements(b.shape(), b.stride(), DEAD_UNITS);
                } else if (p.getLayer() == out && p.getParamName().equals("W")) {
                    INDArray outW = out.getParam("W");
                    positions = UpdaterStateLayout.rows(outW.size(1), outW.stride(), DEAD_UNITS);
                }
                if (positions != null) {
                    long n = block.getParamOffsetEnd() - block.getParamOffsetStart();
                    int segments = UpdaterStateLayout.segments(n,
                            block.getUpdaterViewOffsetEnd() - block.getUpdaterViewOffsetStart());
                    for (int s = 0; s < segments; s++) {
                        if (segment >= 0 && s != segment) {
                            continue;
                        }
                        for (long i : UpdaterStateLayout.stateIndices(block.getUpdaterViewOffsetStart(), n, s,
                                p.getParamOffsetStart() - block.getParamOffsetStart(), positions)) {
                            indices.add(i);
                        }
                    }
                }
            }
        }
        return indices;
    }

    @Test
    void stateSegmentsOfAdamAndNesterovsMapToTheirParameters() {
        for (IUpdater updater : new IUpdater[] {new Adam(0.01), new Nesterovs(0.01, 0.9)}) {
            MultiLayerNetwork net = trained(updater);
            INDArray state = ((BaseMultiLayerUpdater<?>) net.getUpdater(false)).getStateViewArray();
            int segments = updater instanceof Adam ? 2 : 1;
            assertThat(state.length()).isEqualTo(segments * net.numParams());
            Set<Long> revived = revivedStateIndices(net);
            // per segment: 3 columns of 10 incoming weights, 3 biases, 3 rows of 3 outgoing weights
            assertThat(revived).hasSize(segments * DEAD * (WeightNets.H0 + 1 + WeightNets.OUT));
            int nonZeroElsewhere = 0;
            for (long i = 0; i < state.length(); i++) {
                double v = state.getDouble(i);
                if (revived.contains(i)) {
                    assertThat(v).as("%s state %d of a parameter without gradient", updater, i).isZero();
                } else if (v != 0) {
                    nonZeroElsewhere++;
                }
            }
            long others = state.length() - revived.size();
            assertThat(nonZeroElsewhere).as("%s: other parameters have state", updater).isGreaterThan((int) (0.9 * others));
        }
    }

    @Test
    void nesterovsVelocityOfTheRevivedParametersIsZeroed() {
        MultiLayerNetwork net = trained(new Nesterovs(0.01, 0.9));
        INDArray[] batch = WeightNets.batch(11, 32, WeightNets.IN);
        net.fit(batch[0], batch[1]);
        Revival.revive(net, net.getLayer(1), net.getLayer(2), DEAD_UNITS, WeightNets.H1);
        INDArray state = ((BaseMultiLayerUpdater<?>) net.getUpdater(false)).getStateViewArray();
        for (long i : revivedStateIndices(net)) {
            assertThat(state.getDouble(i)).as("Nesterovs velocity %d", i).isZero();
        }
    }

    @Test
    void sgdHasNoState() {
        MultiLayerNetwork net = trained(new Sgd(0.1));
        assertThat(((BaseMultiLayerUpdater<?>) net.getUpdater(false)).getStateViewArray()).isNull();
        assertThat(Revival.revive(net, net.getLayer(1), net.getLayer(2), DEAD_UNITS, WeightNets.H1)).isEqualTo(DEAD);
    }

    @Test
    void reviveReinitialisesIncomingZeroesBiasOutgoingAndStateAndKeepsTheOutput() {
        MultiLayerNetwork net = trained(new Adam(0.01));
        INDArray[] batch = WeightNets.batch(10, 32, WeightNets.IN);
        INDArray outputBefore = net.output(batch[0], false).dup();
        INDArray paramsBefore = net.params().dup();
        Layer h1 = net.getLayer(1);
        Layer out = net.getLayer(2);
        INDArray wBefore = h1.getParam("W").dup();
        assertThat(Revival.eligible(net, net.getLayers(), 0)).isTrue();
        assertThat(Revival.eligible(net, net.getLayers(), 1)).isTrue();
        assertThat(Revival.eligible(net, net.getLayers(), 2)).as("output layer").isFalse();

        assertThat(Revival.revive(net, h1, out, DEAD_UNITS, WeightNets.H1)).isEqualTo(DEAD);

        INDArray w = h1.getParam("W");
        for (int j : DEAD_UNITS) {
            assertThat(w.getColumn(j).equalsWithEps(wBefore.getColumn(j), 1e-12)).as("column %d re-drawn", j).isFalse();
            assertThat(w.getColumn(j).norm2Number().doubleValue()).isPositive();
            assertThat(h1.getParam("b").getDouble(j)).isZero();
            assertThat(out.getParam("W").getRow(j).norm2Number().doubleValue()).isZero();
        }
        INDArray state = ((BaseMultiLayerUpdater<?>) net.getUpdater(false)).getStateViewArray();
        for (long i : revivedStateIndices(net, 0)) {
            assertThat(state.getDouble(i)).as("Adam's first moment m, state %d", i).isZero();
        }
        // Adam's second moment v: the mean of the other elements of the same parameter, one value per parameter
        Set<Double> seeded = new HashSet<>();
        for (long i : revivedStateIndices(net, 1)) {
            assertThat(state.getDouble(i)).as("Adam's second moment v, state %d", i).isPositive();
            seeded.add(state.getDouble(i));
        }
        assertThat(seeded).as("one seed per parameter: h1 W, h1 b, out W").hasSize(3);
        // Only the revived units' parameters changed.
        INDArray params = net.params();
        int changed = 0;
        for (long i = 0; i < params.length(); i++) {
            if (params.getDouble(i) != paramsBefore.getDouble(i)) {
                changed++;
            }
        }
        assertThat(changed).isLessThanOrEqualTo(DEAD * (WeightNets.H0 + 1 + WeightNets.OUT));
        assertThat(changed).isGreaterThanOrEqualTo(DEAD * (1 + WeightNets.H0));
        // Zero outgoing weights: the network computes the same function right after revival.
        assertThat(net.output(batch[0], false).equalsWithEps(outputBefore, 1e-6)).isTrue();

        // and the revived units now fire and learn
        INDArray activations = net.feedForward(batch[0], false).get(2);
        for (int j : DEAD_UNITS) {
            assertThat(activations.getColumn(j).maxNumber().doubleValue()).as("unit %d fires", j).isPositive();
        }
        for (int i = 0; i < 3; i++) {
            net.fit(batch[0], batch[1]);
        }
        for (int j : DEAD_UNITS) {
            assertThat(out.getParam("W").getRow(j).norm2Number().doubleValue()).as("outgoing of %d learn", j)
                    .isPositive();
        }
    }
}
