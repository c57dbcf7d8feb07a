package io.deadunit.exporter.util;

import io.micrometer.common.util.internal.logging.InternalLoggerFactory;
import io.micrometer.common.util.internal.logging.JdkLoggerFactory;

/**
 * Where the bundled Micrometer logs. Left to itself, Micrometer's first meter registry probes for SLF4J: in the
 * agent's jar that finds the shaded SLF4J API with no usable binding (its binder fails to initialise), falls back
 * to SLF4J's no-op factory, rejects it and settles on {@code java.util.logging}, after loading a few dozen classes
 * and building an exception on the agent's start-up thread. Saying {@code java.util.logging} at once gives the same
 * logging without the detour.
 */
public final class LibraryLogging {
    private LibraryLogging() {
    }

    /** Before the first Micrometer class that logs is initialised (the first registry). */
    public static void useJdkLogging() {
        InternalLoggerFactory.setDefaultFactory(JdkLoggerFactory.INSTANCE);
    }
}
