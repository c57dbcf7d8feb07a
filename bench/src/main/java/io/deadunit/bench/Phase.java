package io.deadunit.bench;

import java.nio.file.Path;

/** A phase of forked runs: what it takes from the driver (options, how to fork, where to log, the agent snapshot). */
abstract class Phase {
    final Bench b;
    final BenchOptions o;
    final Fork.Setup setup;
    final Path logDir;
    final Path agentJar;
    /** Where the phase puts its runs and problems. */
    final Results results;

    Phase(Bench b) {
        this.b = b;
        this.o = b.o;
        this.setup = b.setup;
        this.logDir = b.logDir;
        this.agentJar = b.agentJar;
        this.results = b.results;
    }
}
