package io.deadunit.exporter.stats;

import java.nio.FloatBuffer;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Copies of float tensors, so that they can be scanned off the training thread: a tensor's memory belongs to
 * training again as soon as the hook returns (DL4J's workspaces reuse it at once), while one bulk copy costs a
 * fraction of the scan. Arrays are pooled by power-of-two size and bounded in all by a byte budget; a tensor that
 * does not fit, a double tensor, or a view spanning much more memory than its elements gets no copy (null).
 */
public final class TensorCopies {
    /** A view whose elements lie further apart than this is scanned in place rather than copied with its gaps. */
    private static final long MAX_SPAN_PER_ELEMENT = 2;
    private static final int SMALLEST_CLASS = 10;
    private static final int CLASSES = 31;

    /**
     * Free arrays kept per size class: what one iteration's tensors of that size need at once when the statistics
     * thread keeps up; arrays beyond (after it fell behind for a while) go back to the garbage collector.
     */
    static final int KEPT_PER_CLASS = 8;

    private final long budgetBytes;
    private final AtomicLong allocatedBytes = new AtomicLong();
    // First in, first out. Last in, first out (reusing the array likeliest to be still cached) was measured: the
    // training thread's copies cost more (+0.03 to +0.06 points of the MLP's and the graph's share at the
    // defaults), for no resolvable gain in the measured slowdown.
    private final Queue<Copy>[] free;
    private final AtomicInteger[] freeCounts;

    /** @param budgetBytes most bytes of arrays held, in use and pooled */
    @SuppressWarnings("unchecked")
    public TensorCopies(long budgetBytes) {
        this.budgetBytes = budgetBytes;
        this.free = new Queue[CLASSES];
        this.freeCounts = new AtomicInteger[CLASSES];
        for (int i = 0; i < CLASSES; i++) {
            free[i] = new ConcurrentLinkedQueue<>();
            freeCounts[i] = new AtomicInteger();
        }
    }

    /** Bytes held by arrays, in use and pooled. */
    public long allocatedBytes() {
        return allocatedBytes.get();
    }

    /**
     * A copy of the elements of the tensor ({@code offset}, {@code shape}, {@code stride} as for
     * {@link UnitScanner#scan}), to be read with the same shape and strides from {@link Copy#offset()}; null when
     * it gets none (see the class comment). Give it back with {@link #release}.
     */
    public Copy copy(TensorData data, long offset, long[] shape, long[] stride) {
        if (!(data instanceof FloatTensorData)) {
            return null;
        }
        long first = offset;
        long last = offset;
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            long reach = stride[i] * (shape[i] - 1);
            if (reach < 0) {
                first += reach;
            } else {
                last += reach;
            }
            elements *= shape[i];
        }
        FloatTensorData source = (FloatTensorData) data;
        long span = last - first + 1;
        if (elements == 0 || first < 0 || last >= source.capacity() || span > MAX_SPAN_PER_ELEMENT * elements
                || span > 1 << (CLASSES - 1)) {
            return null;
        }
        Copy copy = take((int) span);
        if (copy == null) {
            return null;
        }
        source.copy(first, copy.values, 0, (int) span);
        copy.offset = offset - first;
        return copy;
    }

    /** Gives an array back to the pool, once its scan is done (or drops it, see {@link #KEPT_PER_CLASS}). */
    public void release(Copy copy) {
        if (freeCounts[copy.sizeClass].incrementAndGet() > KEPT_PER_CLASS) {
            freeCounts[copy.sizeClass].decrementAndGet();
            allocatedBytes.addAndGet(-(4L << copy.sizeClass));
            return;
        }
        free[copy.sizeClass].add(copy);
    }

    private Copy take(int span) {
        int sizeClass = Math.max(SMALLEST_CLASS, 32 - Integer.numberOfLeadingZeros(span - 1));
        Copy pooled = free[sizeClass].poll();
        if (pooled != null) {
            freeCounts[sizeClass].decrementAndGet();
            return pooled;
        }
        long bytes = 4L << sizeClass;
        long held = allocatedBytes.get();
        while (true) {
            if (held + bytes > budgetBytes) {
                return null;
            }
            if (allocatedBytes.compareAndSet(held, held + bytes)) {
                return new Copy(new float[1 << sizeClass], sizeClass);
            }
            held = allocatedBytes.get();
        }
    }

    /** A pooled array holding one tensor's elements, and a reader over it. */
    public static final class Copy {
        private final float[] values;
        private final FloatTensorData data;
        private final int sizeClass;
        private long offset;

        private Copy(float[] values, int sizeClass) {
            this.values = values;
            this.data = new FloatTensorData(FloatBuffer.wrap(values));
            this.sizeClass = sizeClass;
        }

        /** The copied elements, for the statistics thread alone (the reader is not thread-safe). */
        public TensorData data() {
            return data;
        }

        /** Where the tensor's element (0, …, 0) is in the copy. */
        public long offset() {
            return offset;
        }
    }
}
