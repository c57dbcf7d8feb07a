package io.deadunit.agent.dl4j;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.util.List;

/**
 * The two kinds of DL4J model and what the adapter asks of each: the one place that tells a MultiLayerNetwork from
 * a ComputationGraph.
 */
enum ModelKind {
    MULTI_LAYER_NETWORK("multilayernetwork") {
        @Override
        Layer[] layers(Object model) {
            return ((MultiLayerNetwork) model).getLayers();
        }

        @Override
        int iterationCount(Object model) {
            return ((MultiLayerNetwork) model).getIterationCount();
        }

        @Override
        int epochCount(Object model) {
            return ((MultiLayerNetwork) model).getEpochCount();
        }

        @Override
        Layer feeding(Object model, Layer[] layers, int index) {
            return index > 0 ? layers[index - 1] : null;
        }
    },
    COMPUTATION_GRAPH("computationgraph") {
        @Override
        Layer[] layers(Object model) {
            return ((ComputationGraph) model).getLayers();
        }

        @Override
        int iterationCount(Object model) {
            return ((ComputationGraph) model).getIterationCount();
        }

        @Override
        int epochCount(Object model) {
            return ((ComputationGraph) model).getEpochCount();
        }

        /** The single input vertex when it is a layer; none for merges and other vertices. */
        @Override
        Layer feeding(Object model, Layer[] layers, int index) {
            ComputationGraph graph = (ComputationGraph) model;
            Layer layer = layers[index];
            String name = layer.conf() == null ? null : layer.conf().getLayer().getLayerName();
            List<String> in = name == null ? null : graph.getConfiguration().getVertexInputs().get(name);
            GraphVertex vertex = in != null && in.size() == 1 ? graph.getVertex(in.get(0)) : null;
            return vertex != null && vertex.hasLayer() ? vertex.getLayer() : null;
        }
    };

    private final String label;

    ModelKind(String label) {
        this.label = label;
    }

    /** The kind of {@code model}, or null when it is neither. */
    static ModelKind of(Object model) {
        if (model instanceof MultiLayerNetwork) {
            return MULTI_LAYER_NETWORK;
        }
        if (model instanceof ComputationGraph) {
            return COMPUTATION_GRAPH;
        }
        return null;
    }

    /** The model's layers, or null for anything else. */
    static Layer[] layersOf(Object model) {
        ModelKind kind = of(model);
        return kind == null ? null : kind.layers(model);
    }

    /** Names models by kind and order when no {@code model=} is given: {@code multilayernetwork-0}. */
    String label() {
        return label;
    }

    abstract Layer[] layers(Object model);

    abstract int iterationCount(Object model);

    abstract int epochCount(Object model);

    /** The layer whose output is the input of {@code layers[index]}, when there is exactly one; else null. */
    abstract Layer feeding(Object model, Layer[] layers, int index);
}
