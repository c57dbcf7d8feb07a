package io.deadunit.exporter.util;

import io.micrometer.common.util.internal.logging.InternalLoggerFactory;
import io.micrometer.common.util.internal.logging.JdkLoggerFactory;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Where and how loudly the bundled Micrometer and Prometheus client log, set once before the first registry.
 *
 * <p>Where: left to itself, Micrometer's first meter registry probes for SLF4J: in the agent's jar that finds the
 * shaded SLF4J API with no usable binding (its binder fails to initialise), falls back to SLF4J's no-op factory,
 * rejects it and settles on {@code java.util.logging}, after loading a few dozen classes and building an exception
 * on the agent's start-up thread. Saying {@code java.util.logging} at once gives the same logging without the detour.
 *
 * <p>How loudly: not at all. Their warnings (a registry added to the composite after meters, a scrape cut off at
 * shutdown) are not the user's business, and failures that matter are counted in deadunit_agent_errors_total. The
 * names are relocated with the libraries, so the application's own copies keep their logging.
 */
public final class LibraryLogging {
    /** Held here because java.util.logging keeps loggers weakly (a collected logger would forget its level). */
    private static final List<Logger> QUIET_LIBRARIES = List.of(Logger.getLogger("io.micrometer"),
            Logger.getLogger("io.prometheus"));

    private LibraryLogging() {
    }

    /** Before the first Micrometer class that logs is initialised (the first registry). */
    public static void configure() {
        InternalLoggerFactory.setDefaultFactory(JdkLoggerFactory.INSTANCE);
        QUIET_LIBRARIES.forEach(logger -> logger.setLevel(Level.OFF));
    }
}
