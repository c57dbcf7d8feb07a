package io.deadunit.exporter.monitor;

import io.deadunit.exporter.stats.LayerSnapshot;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The short per-layer report printed on stderr when the JVM exits (and returned by the JMX {@code summary()}). It
 * reads only closed, immutable window snapshots, never the open window, which is not thread-safe.
 */
public final class ExitSummary {
    private ExitSummary() {
    }

    /** The report, or an empty string when no layer was observed. */
    public static String render(List<ModelMonitor> models) {
        StringBuilder out = new StringBuilder();
        List<ModelMonitor> byName = new ArrayList<>(models);
        byName.sort(NaturalOrder.MODELS);
        for (ModelMonitor model : byName) {
            List<LayerMonitor> layers = new ArrayList<>(model.layers());
            layers.sort(Comparator.comparingInt(layer -> layer.descriptor().index()));
            for (LayerMonitor layer : layers) {
                // Closed windows only: the open one belongs to the training thread, which may still be writing it
                // (a JMX call during training; an exit while a worker thread trains).
                LayerSnapshot s = layer.snapshot();
                if (s == null) {
                    if (layer.units() >= 0) {
                        out.append(String.format(Locale.ROOT, "  %-22s %-16s %-24s units %5d  no window closed yet%n",
                                model.name(), layer.descriptor().name(),
                                layer.descriptor().type() + "/" + layer.descriptor().activation(), layer.units()));
                    }
                    continue;
                }
                out.append(String.format(Locale.ROOT,
                        "  %-22s %-16s %-24s units %5d  dead %5d (%5.1f%%)  dormant(0.025) %5d  dormant(0.1) %5d  saturated %5d%n",
                        model.name(), layer.descriptor().name(),
                        layer.descriptor().type() + "/" + layer.descriptor().activation(),
                        s.units(), s.deadUnits(), 100 * s.deadRatio(), s.dormantUnits(0), s.dormantUnits(1),
                        s.saturatedUnits()));
            }
        }
        if (out.length() == 0) {
            return "";
        }
        return "deadunit: summary of the last window per layer (" + iterations(models) + " training iterations)"
                + System.lineSeparator() + out;
    }

    private static long iterations(List<ModelMonitor> models) {
        long total = 0;
        for (ModelMonitor model : models) {
            total += model.iterations();
        }
        return total;
    }
}
