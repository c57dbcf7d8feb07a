package io.deadunit.agent.dl4j;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Revival's index maths on plain arrays. */
class UpdaterStateLayoutTest {

    @Test
    void segmentsAreWholeOrNone() {
        assertThat(UpdaterStateLayout.segments(10, 20)).isEqualTo(2);
        assertThat(UpdaterStateLayout.segments(10, 10)).isEqualTo(1);
        assertThat(UpdaterStateLayout.segments(10, 0)).as("Sgd: no state").isZero();
        assertThat(UpdaterStateLayout.segments(10, 15)).as("not whole segments: layout unknown").isZero();
        assertThat(UpdaterStateLayout.segments(0, 15)).isZero();
    }

    @Test
    void stateIndicesOfAParameterInItsBlock() {
        // block of 10 parameters, state [100, 120): 2 segments; the parameter starts 2 into the block
        assertThat(UpdaterStateLayout.stateIndices(100, 10, 0, 2, new long[] {1, 3})).containsExactly(103, 105);
        assertThat(UpdaterStateLayout.stateIndices(100, 10, 1, 2, new long[] {1, 3})).containsExactly(113, 115);
    }

    @Test
    void positionsOfColumnsRowsAndElementsFollowTheStrides() {
        long[] fOrder = {1, 3};     // W [3, 4] in 'f' order, as DL4J lays out its parameters
        long[] cOrder = {4, 1};
        assertThat(UpdaterStateLayout.columns(3, fOrder, new int[] {1})).containsExactly(3, 4, 5);
        assertThat(UpdaterStateLayout.columns(3, cOrder, new int[] {0, 2})).containsExactly(0, 4, 8, 2, 6, 10);
        assertThat(UpdaterStateLayout.rows(4, fOrder, new int[] {2})).containsExactly(2, 5, 8, 11);
        assertThat(UpdaterStateLayout.rows(4, cOrder, new int[] {2})).containsExactly(8, 9, 10, 11);
        assertThat(UpdaterStateLayout.elements(new long[] {1, 5}, new long[] {5, 1}, new int[] {0, 4}))
                .containsExactly(0, 4);
        assertThat(UpdaterStateLayout.elements(new long[] {5, 1}, new long[] {2, 1}, new int[] {3})).containsExactly(6);
        assertThat(UpdaterStateLayout.elements(new long[] {5}, new long[] {1}, new int[] {3})).containsExactly(3);
    }

    @Test
    void meanOfNonZeroElementsOfARange() {
        double[] v = {9, 0, 2, 4, 0, 9};
        assertThat(UpdaterStateLayout.meanOfNonZero(i -> v[(int) i], 1, 4)).isEqualTo(3.0);
        assertThat(UpdaterStateLayout.meanOfNonZero(i -> v[(int) i], 1, 1)).isZero();
    }

    @Test
    void momentaAreZeroedAndRunningScalesReseededByUpdaterClass() {
        String config = "org.nd4j.linalg.learning.config.";
        assertThat(UpdaterStateLayout.Kind.of(config + "Adam").scaleSegments(2)).containsExactly(false, true);
        assertThat(UpdaterStateLayout.Kind.of(config + "AMSGrad").scaleSegments(3)).containsExactly(false, true, true);
        assertThat(UpdaterStateLayout.Kind.of(config + "AdaBelief").scaleSegments(2)).containsExactly(false, true);
        assertThat(UpdaterStateLayout.Kind.of(config + "Nesterovs").scaleSegments(1)).containsExactly(false);
        assertThat(UpdaterStateLayout.Kind.of(config + "RmsProp").scaleSegments(1)).containsExactly(true);
        assertThat(UpdaterStateLayout.Kind.of(config + "AdaDelta").scaleSegments(2)).containsExactly(true, true);
        assertThat(UpdaterStateLayout.Kind.of(config + "Sgd")).isEqualTo(UpdaterStateLayout.Kind.NONE);
        assertThat(UpdaterStateLayout.Kind.of(config + "NoOp")).isEqualTo(UpdaterStateLayout.Kind.NONE);
        assertThat(UpdaterStateLayout.Kind.of("com.example.MyAdam")).as("unknown: no guess").isNull();
    }
}
