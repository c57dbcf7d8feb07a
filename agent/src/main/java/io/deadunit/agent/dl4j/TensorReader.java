package io.deadunit.agent.dl4j;

import io.deadunit.exporter.stats.DoubleTensorData;
import io.deadunit.exporter.stats.FloatTensorData;
import io.deadunit.exporter.stats.TensorData;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads an INDArray without copying it and without running ND4J ops: a zero-copy NIO view over its buffer plus its
 * shape, strides and offset. Nothing is written and nothing is allocated in a DL4J workspace. Only other data
 * types (half precision…) are converted, into a detached copy outside every workspace.
 */
final class TensorReader {
    /** Receives one tensor's elements and layout. */
    interface Sink {
        void accept(TensorData data, long offset, long[] shape, long[] stride);
    }

    private TensorReader() {
    }

    static void read(INDArray array, Sink sink) {
        if (array.isEmpty() || array.rank() < 2) {
            return;
        }
        TensorData view = view(array);
        if (view != null) {
            sink.accept(view, array.offset(), array.shape(), array.stride());
        } else if (array.dataType().isFPType()) {
            INDArray copy;
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                copy = array.castTo(DataType.FLOAT).dup('c');
            }
            sink.accept(new FloatTensorData(copy.data().asNioFloat()), copy.offset(), copy.shape(), copy.stride());
        }
    }

    /**
     * A zero-copy view of the array's whole buffer, indexed absolutely (add the array's offset), or null when the
     * array holds neither floats nor doubles. Views are kept per thread ({@link RecentViews}): making one (JavaCPP's
     * JNI buffer, ND4J's wrappers) costs more than scanning a small tensor.
     */
    static TensorData view(INDArray array) {
        DataType type = array.dataType();
        if (type != DataType.FLOAT && type != DataType.DOUBLE) {
            return null;
        }
        return RECENT.get().view(array.data(), type == DataType.FLOAT);
    }

    private static final ThreadLocal<RecentViews> RECENT = ThreadLocal.withInitial(RecentViews::new);

    /**
     * The last few views made on this thread, by the memory they cover: a workspace hands a layer's output the
     * same memory at every iteration, and a model's weights never move. A view is reused only for a buffer whose
     * pointer has the same class, address, position and limit, and the same buffer offset: exactly what
     * {@code asNioFloat}/{@code asNioDouble} would wrap again, and memory the live array owns now. A view holds no
     * reference to ND4J's objects (a JNI direct buffer), so nothing is kept alive; per thread, as a view's position
     * is its reader's.
     */
    private static final class RecentViews {
        private static final int SIZE = 16;
        private final Class<?>[] kinds = new Class<?>[SIZE];
        private final long[] addresses = new long[SIZE];
        private final long[] positions = new long[SIZE];
        private final long[] limits = new long[SIZE];
        private final long[] offsets = new long[SIZE];
        private final boolean[] floats = new boolean[SIZE];
        private final TensorData[] views = new TensorData[SIZE];
        private int next;

        TensorData view(DataBuffer buffer, boolean isFloat) {
            Pointer p = buffer.pointer();
            if (p == null) {
                return wrap(buffer, isFloat);
            }
            Class<?> kind = p.getClass();
            long address = p.address();
            long position = p.position();
            long limit = p.limit();
            long offset = buffer.offset();
            for (int i = 0; i < SIZE; i++) {
                if (views[i] != null && kinds[i] == kind && addresses[i] == address && positions[i] == position
                        && limits[i] == limit && offsets[i] == offset && floats[i] == isFloat) {
                    return views[i];
                }
            }
            TensorData view = wrap(buffer, isFloat);
            int i = next;
            next = (next + 1) % SIZE;
            kinds[i] = kind;
            addresses[i] = address;
            positions[i] = position;
            limits[i] = limit;
            offsets[i] = offset;
            floats[i] = isFloat;
            views[i] = view;
            return view;
        }

        private static TensorData wrap(DataBuffer buffer, boolean isFloat) {
            return isFloat ? new FloatTensorData(buffer.asNioFloat()) : new DoubleTensorData(buffer.asNioDouble());
        }
    }
}
