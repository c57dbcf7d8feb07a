package io.deadunit.exporter.monitor;

import io.deadunit.exporter.stats.LayerSnapshot;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** The short per-layer report printed on stderr when the JVM exits. */
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
                LayerSnapshot s = layer.latest();
                if (s == null) {
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
