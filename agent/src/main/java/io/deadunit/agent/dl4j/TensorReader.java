package io.deadunit.agent.dl4j;

import io.deadunit.exporter.stats.DoubleTensorData;
import io.deadunit.exporter.stats.FloatTensorData;
import io.deadunit.exporter.stats.RecentViews;
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
        return cachedView(array.data(), type == DataType.FLOAT);
    }

    private static TensorData cachedView(DataBuffer buffer, boolean isFloat) {
        Pointer p = buffer.pointer();
        if (p == null) {
            return wrap(buffer, isFloat);
        }
        String kind = p.getClass().getName(); // by name: a Class held per thread would pin its loader
        long address = p.address();
        long position = p.position();
        long limit = p.limit();
        long offset = buffer.offset();
        RecentViews recent = RecentViews.forThread();
        TensorData view = recent.find(kind, address, position, limit, offset, isFloat);
        if (view == null) {
            view = wrap(buffer, isFloat);
            recent.remember(kind, address, position, limit, offset, isFloat, view);
        }
        return view;
    }

    private static TensorData wrap(DataBuffer buffer, boolean isFloat) {
        return isFloat ? new FloatTensorData(buffer.asNioFloat()) : new DoubleTensorData(buffer.asNioDouble());
    }
}
