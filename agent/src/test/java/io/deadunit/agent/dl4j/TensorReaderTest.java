package io.deadunit.agent.dl4j;

import io.deadunit.exporter.stats.ActivationBounds;
import io.deadunit.exporter.stats.UnitAccumulator;
import io.deadunit.exporter.stats.UnitScanner;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The zero-copy reader on real ND4J arrays, including the layouts DL4J produces during fit (views with offsets,
 * 'f' order, permuted channel-outermost convolution outputs), against ND4J's own reductions.
 */
class TensorReaderTest {
    static {
        Nd4j.getRandom().setSeed(7);
    }

    private static void assertReadMatchesNd4j(INDArray array) {
        UnitAccumulator read = new UnitAccumulator(ActivationBounds.UNBOUNDED);
        TensorReader.read(array, (data, offset, shape, stride) -> UnitScanner.scan(data, offset, shape, stride, 1, read));
        int units = (int) array.size(1);
        assertThat(read.units()).isEqualTo(units);
        assertThat(read.count()).isEqualTo(array.length());
        assertThat(read.sum()).isCloseTo(array.sumNumber().doubleValue(), within(1e-3 * (1 + array.length())));
        for (int u = 0; u < units; u++) {
            INDArray unit = array.get(unitIndex(array.rank(), u));
            long nonZero = unit.length() - unit.eq(0).castTo(DataType.INT).sumNumber().longValue();
            assertThat(read.nonZero(u)).as("unit %d", u).isEqualTo(nonZero);
            assertThat(read.sumAbs(u)).isCloseTo(org.nd4j.linalg.ops.transforms.Transforms.abs(unit, true).sumNumber().doubleValue(), within(1e-3 * (1 + unit.length())));
        }
    }

    private static org.nd4j.linalg.indexing.INDArrayIndex[] unitIndex(int rank, int unit) {
        org.nd4j.linalg.indexing.INDArrayIndex[] index = new org.nd4j.linalg.indexing.INDArrayIndex[rank];
        for (int k = 0; k < rank; k++) {
            index[k] = k == 1 ? NDArrayIndex.point(unit) : NDArrayIndex.all();
        }
        return index;
    }

    private static INDArray reluLike(long... shape) {
        return org.nd4j.linalg.ops.transforms.Transforms.relu(Nd4j.randn(DataType.FLOAT, shape));
    }

    @Test
    void cOrderDense() {
        assertReadMatchesNd4j(reluLike(8, 5));
    }

    @Test
    void fOrderDense() {
        assertReadMatchesNd4j(reluLike(8, 5).dup('f'));
    }

    @Test
    void viewWithOffset() {
        INDArray big = reluLike(10, 12);
        assertReadMatchesNd4j(big.get(NDArrayIndex.interval(3, 9), NDArrayIndex.interval(2, 7)));
    }

    @Test
    void channelOutermostConvolutionOutput() {
        // Physically [c, n, h, w], seen as [n, c, h, w]: the layout of DL4J's convolution output during fit.
        INDArray physical = reluLike(4, 3, 5, 6);
        assertReadMatchesNd4j(physical.permute(1, 0, 2, 3));
    }

    @Test
    void recurrentFOrder() {
        assertReadMatchesNd4j(reluLike(4, 6, 7).dup('f'));
    }

    @Test
    void doublePrecision() {
        assertReadMatchesNd4j(reluLike(6, 4).castTo(DataType.DOUBLE));
    }

    @Test
    void halfPrecisionIsConvertedOutsideWorkspaces() {
        assertReadMatchesNd4j(reluLike(6, 4).castTo(DataType.HALF));
    }

    @Test
    void readingNeverChangesTheArray() {
        INDArray array = reluLike(6, 4);
        INDArray before = array.dup();
        UnitAccumulator read = new UnitAccumulator(ActivationBounds.forActivation("sigmoid"));
        TensorReader.read(array, (data, offset, shape, stride) -> UnitScanner.scan(data, offset, shape, stride, 1, read));
        assertThat(read.count()).isEqualTo(24);
        assertThat(array.equals(before)).isTrue();
    }
}
