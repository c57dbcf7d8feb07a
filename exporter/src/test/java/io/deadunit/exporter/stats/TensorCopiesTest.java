package io.deadunit.exporter.stats;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

import static org.assertj.core.api.Assertions.assertThat;

class TensorCopiesTest {
    /** A direct buffer, as the agent's views of ND4J memory are, holding 0, 1, 2, … */
    private static FloatTensorData counting(int n) {
        FloatBuffer buffer = ByteBuffer.allocateDirect(n * Float.BYTES).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        for (int i = 0; i < n; i++) {
            buffer.put(i, i);
        }
        return new FloatTensorData(buffer);
    }

    private static void assertSameElements(TensorData source, long offset, TensorCopies.Copy copy, long[] shape,
                                           long[] stride) {
        for (long i = 0; i < shape[0]; i++) {
            for (long j = 0; j < shape[1]; j++) {
                long at = i * stride[0] + j * stride[1];
                assertThat(copy.data().get(copy.offset() + at)).as("[%d, %d]", i, j)
                        .isEqualTo(source.get(offset + at));
            }
        }
    }

    @Test
    void aCopyHoldsTheTensorsElementsUnderItsOwnLayout() {
        FloatTensorData source = counting(1000);
        TensorCopies copies = new TensorCopies(1 << 20);
        long[][][] layouts = {
                {{4, 5}, {5, 1}},     // 'c'
                {{4, 5}, {1, 4}},     // 'f'
                {{4, 5}, {10, 2}},    // every other element of rows of 10: a view spanning twice its elements
                {{4, 5}, {-5, 1}},    // rows reversed
        };
        for (long[][] layout : layouts) {
            long offset = layout[1][0] < 0 ? 300 : 100;
            TensorCopies.Copy copy = copies.copy(source, offset, layout[0], layout[1]);
            assertThat(copy).isNotNull();
            assertSameElements(source, offset, copy, layout[0], layout[1]);
            copies.release(copy);
        }
    }

    @Test
    void whatIsNotCopiedIsLeftToTheCaller() {
        TensorCopies copies = new TensorCopies(4096);
        FloatTensorData source = counting(10_000);
        DoubleTensorData doubles = new DoubleTensorData(DoubleBuffer.wrap(new double[100]));
        assertThat(copies.copy(doubles, 0, new long[] {10, 10}, new long[] {10, 1})).as("doubles").isNull();
        assertThat(copies.copy(source, 0, new long[] {10, 10}, new long[] {100, 1})).as("sparse view").isNull();
        assertThat(copies.copy(source, 9_990, new long[] {2, 10}, new long[] {10, 1})).as("past the end").isNull();
        assertThat(copies.copy(source, 0, new long[] {0, 10}, new long[] {10, 1})).as("empty").isNull();
        assertThat(copies.copy(source, 0, new long[] {40, 40}, new long[] {40, 1})).as("over budget").isNull();
        assertThat(copies.allocatedBytes()).isZero();
    }

    @Test
    void arraysArePooledWithinTheBudget() {
        TensorCopies copies = new TensorCopies(3 * 4096);
        FloatTensorData source = counting(5000);
        long[] shape = {10, 100};
        long[] stride = {100, 1};
        TensorCopies.Copy first = copies.copy(source, 0, shape, stride);
        TensorCopies.Copy second = copies.copy(source, 1000, shape, stride);
        assertThat(copies.allocatedBytes()).isEqualTo(2 * 4096); // 1,000 floats: the 1,024-float class
        assertThat(copies.copy(source, 2000, new long[] {20, 100}, stride)).as("a larger class beyond budget")
                .isNull();
        copies.release(first);
        TensorCopies.Copy third = copies.copy(source, 3000, shape, stride);
        assertThat(copies.allocatedBytes()).as("reused").isEqualTo(2 * 4096);
        assertSameElements(source, 3000, third, shape, stride);
        assertSameElements(source, 1000, second, shape, stride);
    }

    @Test
    void arraysBeyondAFewFreeOnesPerSizeGoBackToTheGarbageCollector() {
        TensorCopies copies = new TensorCopies(1 << 20);
        FloatTensorData source = counting(1000);
        int held = TensorCopies.KEPT_PER_CLASS + 3; // the statistics thread fell behind by that many tensors
        java.util.List<TensorCopies.Copy> inFlight = new java.util.ArrayList<>();
        for (int i = 0; i < held; i++) {
            inFlight.add(copies.copy(source, 0, new long[] {10, 100}, new long[] {100, 1}));
        }
        assertThat(copies.allocatedBytes()).isEqualTo(held * 4096L);
        inFlight.forEach(copies::release);
        assertThat(copies.allocatedBytes()).isEqualTo(TensorCopies.KEPT_PER_CLASS * 4096L);
        copies.copy(source, 0, new long[] {10, 100}, new long[] {100, 1});
        assertThat(copies.allocatedBytes()).as("a kept one reused").isEqualTo(TensorCopies.KEPT_PER_CLASS * 4096L);
    }
}
