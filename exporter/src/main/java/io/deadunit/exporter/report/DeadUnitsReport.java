package io.deadunit.exporter.report;

import io.deadunit.exporter.monitor.LayerDescriptor;
import io.deadunit.exporter.monitor.LayerMonitor;
import io.deadunit.exporter.monitor.ModelMonitor;
import io.deadunit.exporter.monitor.NaturalOrder;
import io.deadunit.exporter.stats.LayerSnapshot;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/**
 * Which units, by index: per model and layer, the dead, dormant and saturated units of the last closed window and
 * every unit's firing rate, as JSON ({@code docs/metrics.md}, "Which units"). Served at {@code /deadunits} and by
 * the JMX operation; per-unit data has no place in Prometheus labels.
 *
 * <p>Built on demand from the immutable snapshots, off the training thread, and streamed ({@link #write}): the
 * endpoint never holds the document. Size stays bounded: rates are rounded to 4 decimals, at most
 * {@code unitBudget} units are detailed per report, and the document never exceeds {@code byteBudget} bytes of
 * UTF-8 (each layer is detailed only if its worst case still fits). Layers past a budget keep their header with
 * {@code "truncated":true}, or are left out when not even that fits (the top-level {@code "truncated"} says so);
 * they can be asked for one by one with the {@code model}/{@code layer} filters.
 */
public final class DeadUnitsReport {
    /** Room for hundreds of wide layers; about 2 MB of JSON when most units are healthy. */
    public static final int DEFAULT_UNIT_BUDGET = 250_000;
    /** The most a report writes: 250,000 units at their worst-case width fit. */
    public static final long DEFAULT_BYTE_BUDGET = 16L << 20;
    /** Largest header of a model or layer: four names of at most 100 characters, 4 bytes each, and numbers. */
    static final int HEADER_BOUND = 2048;
    /** Widest a unit can make a layer: 6 index lists of up to 7 digits and a comma, and its rate. */
    static final int UNIT_BOUND = 48;
    /** Room to close the document: brackets and the top-level truncated flag. */
    private static final int CLOSING_BOUND = 64;
    private static final int RATE_SCALE = 10_000;
    private static final Comparator<LayerMonitor> BY_INDEX = Comparator
            .comparingInt((LayerMonitor l) -> l.descriptor().index())
            .thenComparing(l -> l.descriptor().name());

    private final Supplier<List<ModelMonitor>> models;
    private final int unitBudget;
    private final long byteBudget;

    public DeadUnitsReport(Supplier<List<ModelMonitor>> models) {
        this(models, DEFAULT_UNIT_BUDGET);
    }

    public DeadUnitsReport(Supplier<List<ModelMonitor>> models, int unitBudget) {
        this(models, unitBudget, DEFAULT_BYTE_BUDGET);
    }

    /** @param byteBudget the most bytes a report may take; at least enough for an empty one */
    public DeadUnitsReport(Supplier<List<ModelMonitor>> models, int unitBudget, long byteBudget) {
        if (unitBudget < 0) {
            throw new IllegalArgumentException("unitBudget must not be negative");
        }
        if (byteBudget < CLOSING_BOUND * 2) {
            throw new IllegalArgumentException("byteBudget must be at least " + CLOSING_BOUND * 2);
        }
        this.models = models;
        this.unitBudget = unitBudget;
        this.byteBudget = byteBudget;
    }

    /** Every model and layer. */
    public String json() {
        return json(null, null);
    }

    /**
     * @param model only the model with this name, or every model when null
     * @param layer only layers with this name, or every layer when null
     */
    public String json(String model, String layer) {
        StringBuilder out = new StringBuilder(4096);
        write(model, layer, out);
        return out.toString();
    }

    /**
     * Streams the report into {@code out}; an {@link java.io.IOException} of {@code out} (a client that went away)
     * comes out as {@link java.io.UncheckedIOException}.
     *
     * @param model only the model with this name, or every model when null
     * @param layer only layers with this name, or every layer when null
     */
    public void write(String model, String layer, Appendable out) {
        JsonWriter json = new JsonWriter(out);
        int budget = unitBudget;
        boolean truncated = false;
        json.beginObject().name("models").beginArray();
        for (ModelMonitor m : sortedModels()) {
            if (model != null && !model.equals(m.name())) {
                continue;
            }
            if (!fits(json, HEADER_BOUND)) {
                truncated = true;
                break;
            }
            json.beginObject()
                    .name("model").value(m.name())
                    .name("iterations").value(m.iterations())
                    .name("layers").beginArray();
            List<LayerMonitor> layers = new ArrayList<>(m.layers());
            layers.sort(BY_INDEX);
            for (LayerMonitor l : layers) {
                if (layer != null && !layer.equals(l.descriptor().name())) {
                    continue;
                }
                if (!fits(json, HEADER_BOUND)) {
                    truncated = true;
                    break;
                }
                // Read once: the training thread may publish a newer snapshot meanwhile.
                LayerSnapshot s = l.snapshot();
                boolean detailed = s == null
                        || s.units() <= budget && fits(json, HEADER_BOUND + (long) UNIT_BOUND * s.units());
                writeLayer(json, l, s, detailed);
                if (detailed && s != null) {
                    budget -= s.units();
                }
                truncated |= !detailed;
            }
            json.endArray().endObject();
        }
        json.endArray().name("truncated").value(truncated).endObject();
    }

    /** Whether {@code more} bytes, and then closing the document, still fit the byte budget. */
    private boolean fits(JsonWriter json, long more) {
        return json.written() + more + CLOSING_BOUND <= byteBudget;
    }

    /**
     * A layer whose first window has not closed yet is listed with {@code windowPositionsPerUnit} 0 and empty
     * lists, so a client sees every monitored layer, and no layer whose data is missing looks healthy by accident
     * of being absent.
     */
    private static void writeLayer(JsonWriter json, LayerMonitor layer, LayerSnapshot s, boolean detailed) {
        LayerDescriptor d = layer.descriptor();
        json.beginObject()
                .name("layer").value(d.name())
                .name("index").value(d.index())
                .name("type").value(d.type())
                .name("activation").value(d.activation())
                .name("units").value(s != null ? s.units() : Math.max(0, layer.units()))
                .name("windowPositionsPerUnit").value(s != null ? s.positionsPerUnit() : 0);
        if (!detailed) {
            json.name("truncated").value(true).endObject();
            return;
        }
        int[] none = new int[0];
        json.name("dead").array(s != null ? s.deadUnitIndices() : none);
        json.name("dormant").beginObject();
        for (int t = 0; t < LayerSnapshot.DORMANT_TAUS.length; t++) {
            // Same spelling as the tau label of dl4j_layer_dormant_units.
            json.name(Double.toString(LayerSnapshot.DORMANT_TAUS[t])).array(s != null ? s.dormantUnitIndices(t) : none);
        }
        json.endObject();
        json.name("saturated").array(s != null ? s.saturatedUnitIndices() : none);
        json.name("firingRate").beginArray();
        if (s != null) {
            StringBuilder number = new StringBuilder(8);
            for (int u = 0; u < s.units(); u++) {
                number.setLength(0);
                json.rawNumber(rate(s.firingRate(u), number));
            }
        }
        json.endArray().endObject();
    }

    /** A share in [0, 1] with at most 4 decimals and no trailing zeros: 0, 1, 0.51, 0.0003. */
    static CharSequence rate(double share, StringBuilder out) {
        if (!(share > 0)) {
            return out.append('0');
        }
        long scaled = Math.round(Math.min(share, 1.0) * RATE_SCALE);
        if (scaled >= RATE_SCALE) {
            return out.append('1');
        }
        if (scaled == 0) {
            return out.append('0');
        }
        out.append("0.");
        String digits = Long.toString(scaled + RATE_SCALE).substring(1);
        int end = digits.length();
        while (digits.charAt(end - 1) == '0') {
            end--;
        }
        return out.append(digits, 0, end);
    }

    private List<ModelMonitor> sortedModels() {
        List<ModelMonitor> sorted = new ArrayList<>(models.get());
        sorted.sort(NaturalOrder.MODELS);
        return sorted;
    }
}
