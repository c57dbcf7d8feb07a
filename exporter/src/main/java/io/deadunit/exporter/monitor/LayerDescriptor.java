package io.deadunit.exporter.monitor;

import io.deadunit.exporter.stats.ActivationBounds;

/** What the agent learned about a layer once, when its model was registered: names for labels, and its layout. */
public final class LayerDescriptor {
    private final String name;
    private final int index;
    private final String type;
    private final String activation;
    private final boolean channelsLast;

    /**
     * @param channelsLast true when units sit on the last axis of rank ≥ 3 outputs (NHWC, NWC); rank-2 outputs
     *                     always have units on axis 1
     */
    public LayerDescriptor(String name, int index, String type, String activation, boolean channelsLast) {
        this.name = name;
        this.index = index;
        this.type = type;
        this.activation = activation;
        this.channelsLast = channelsLast;
    }

    public String name() {
        return name;
    }

    public int index() {
        return index;
    }

    public String type() {
        return type;
    }

    public String activation() {
        return activation;
    }

    public ActivationBounds bounds() {
        return ActivationBounds.forActivation(activation);
    }

    public int unitAxis(int rank) {
        return channelsLast && rank >= 3 ? rank - 1 : 1;
    }

    /** The time axis of a rank-3 sequence tensor: 2 for NCW, 1 for NWC. */
    public int timeAxis() {
        return channelsLast ? 1 : 2;
    }

    @Override
    public String toString() {
        return name + " (" + type + ", " + activation + ")";
    }
}
