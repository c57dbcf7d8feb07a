package io.deadunit.exporter.server;

import java.io.IOException;
import java.io.UncheckedIOException;

/** What {@code /deadunits} serves: a JSON document, optionally narrowed to one model and/or one layer name. */
@FunctionalInterface
public interface DeadUnitsSource {
    /**
     * @param model the {@code model} query parameter, or null when absent
     * @param layer the {@code layer} query parameter, or null when absent
     * @return a complete JSON document
     */
    String json(String model, String layer);

    /**
     * Streams the document into {@code out}; the endpoint calls this, so a source that can write as it goes (the
     * agent's report) never holds the whole document. By default writes {@link #json}.
     *
     * @throws UncheckedIOException when {@code out} fails (the client went away)
     */
    default void write(String model, String layer, Appendable out) {
        try {
            out.append(json(model, layer));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
