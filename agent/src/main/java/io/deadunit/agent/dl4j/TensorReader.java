package io.deadunit.agent.dl4j;

import io.deadunit.exporter.stats.DoubleTensorData;
import io.deadunit.exporter.stats.FloatTensorData;
import io.deadunit.exporter.stats.TensorData;
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
     * array holds neither floats nor doubles.
     */
    static TensorData view(INDArray array) {
        DataType type = array.dataType();
        if (type == DataType.FLOAT) {
            return new FloatTensorData(array.data().asNioFloat());
        }
        if (type == DataType.DOUBLE) {
            return new DoubleTensorData(array.data().asNioDouble());
        }
        return null;
    }
}
