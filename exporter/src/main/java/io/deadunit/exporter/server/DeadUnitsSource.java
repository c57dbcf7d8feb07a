package io.deadunit.exporter.server;

/** What {@code /deadunits} serves: a JSON document, optionally narrowed to one model and/or one layer name. */
@FunctionalInterface
public interface DeadUnitsSource {
    /**
     * @param model the {@code model} query parameter, or null when absent
     * @param layer the {@code layer} query parameter, or null when absent
     * @return a complete JSON document
     */
    String json(String model, String layer);
}
