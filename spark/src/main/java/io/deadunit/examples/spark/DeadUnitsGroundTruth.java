package io.deadunit.examples.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.SparkEnv;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Ground truth for SparkTrainingIT, computed in each executor from DL4J alone (a plain {@code TrainingListener}
 * that the training master hands to every worker copy of the network), never from the agent.
 *
 * <p>For every worker copy it tracks, per hidden layer, which units gave a non-zero output in any training forward
 * pass so far (dense layers: axis 1 is the unit, axis 0 the example), and after every iteration rewrites
 * {@code DIR/executor-<id>/model-<ordinal>.json} with the dead units (never non-zero) over all passes of that copy.
 * {@code ordinal} counts the copies this executor JVM trained, in the order they first trained: with one task at a
 * time per executor that is the order in which they were built.
 *
 * <p>Copies are kept reachable until the executor exits, so that whatever reports on them in the executor still
 * finds them when the test looks (a copy that is collected may leave other reports).
 */
public final class DeadUnitsGroundTruth extends BaseTrainingListener implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Map<Model, Copy> COPIES = Collections.synchronizedMap(new IdentityHashMap<>());
    private static final List<Model> KEPT = Collections.synchronizedList(new ArrayList<>());

    private final String dir;

    public DeadUnitsGroundTruth(String dir) {
        this.dir = dir;
    }

    /** What one worker copy has shown so far. */
    private static final class Copy {
        final int ordinal;
        final Map<String, boolean[]> fired = new LinkedHashMap<>();
        int passes;

        Copy(int ordinal) {
            this.ordinal = ordinal;
        }
    }

    @Override
    public void onForwardPass(Model model, List<INDArray> activations) {
        MultiLayerNetwork net = (MultiLayerNetwork) model;
        Copy copy;
        synchronized (COPIES) {
            copy = COPIES.get(model);
            if (copy == null) {
                copy = new Copy(COPIES.size());
                COPIES.put(model, copy);
                KEPT.add(model);
            }
        }
        // activations: the input, then one entry per layer except the output layer. They live in a workspace:
        // reduce them to Java arrays right here, outside any workspace.
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            for (int i = 1; i < activations.size(); i++) {
                String name = net.getLayer(i - 1).conf().getLayer().getLayerName();
                INDArray a = activations.get(i);
                int units = (int) a.size(1);
                int rows = (int) a.size(0);
                float[] v = a.castTo(DataType.FLOAT).dup('c').data().asFloat();
                boolean[] fired = copy.fired.computeIfAbsent(name, k -> new boolean[units]);
                for (int r = 0; r < rows; r++) {
                    for (int u = 0; u < units; u++) {
                        if (v[r * units + u] != 0f) {
                            fired[u] = true;
                        }
                    }
                }
            }
            copy.passes++;
        }
    }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        Copy copy = COPIES.get(model);
        if (copy != null) {
            write(copy);
        }
    }

    private void write(Copy copy) {
        String executor = SparkEnv.get() == null ? "driver" : SparkEnv.get().executorId();
        StringBuilder sb = new StringBuilder();
        sb.append("{\"executor\": \"").append(executor).append("\", \"pid\": ").append(ProcessHandle.current().pid())
                .append(", \"ordinal\": ").append(copy.ordinal).append(", \"passes\": ").append(copy.passes)
                .append(", \"layers\": {");
        boolean first = true;
        for (Map.Entry<String, boolean[]> e : copy.fired.entrySet()) {
            int dead = 0;
            for (boolean f : e.getValue()) {
                dead += f ? 0 : 1;
            }
            sb.append(first ? "" : ", ").append('"').append(e.getKey()).append("\": {\"units\": ")
                    .append(e.getValue().length).append(", \"dead\": ").append(dead).append('}');
            first = false;
        }
        sb.append("}}\n");
        try {
            Path d = Files.createDirectories(Paths.get(dir, "executor-" + executor));
            Path tmp = d.resolve("model-" + copy.ordinal + ".json.tmp");
            Files.write(tmp, sb.toString().getBytes(StandardCharsets.UTF_8));
            Files.move(tmp, d.resolve("model-" + copy.ordinal + ".json"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
