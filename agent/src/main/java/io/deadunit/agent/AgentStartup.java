package io.deadunit.agent;

import io.deadunit.agent.adapter.Dl4jProbes;
import io.deadunit.agent.instrument.BackgroundInstallation;
import io.deadunit.agent.instrument.Dl4jInstrumentation;
import io.deadunit.agent.instrument.StaleBridgeDirs;
import io.deadunit.agent.probe.Probes;
import io.deadunit.exporter.Exporter;
import io.deadunit.exporter.config.AgentConfig;

import java.io.PrintStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the agent's start-up thread does ({@link BackgroundInstallation}): before the gate opens, the exporter, the
 * probes and the weaver, with the one-off checks of the application's class loader; once it is open (the
 * application's model classes may load from then on), publishing, then work that would otherwise fall on the
 * training thread (classes every model loads woven ahead, the DL4J adapter), then housekeeping. A class of its own
 * so that {@code premain}'s class links without any of these types ({@code DisabledIT}).
 */
final class AgentStartup implements BackgroundInstallation.Setup {
    private final AgentConfig config;
    private final boolean revive;
    private final Instrumentation instrumentation;
    private final AtomicReference<Exporter> started;
    private final PrintStream log;

    AgentStartup(AgentConfig config, boolean revive, Instrumentation instrumentation,
                 AtomicReference<Exporter> started, PrintStream log) {
        this.config = config;
        this.revive = revive;
        this.instrumentation = instrumentation;
        this.started = started;
        this.log = log;
    }

    @Override
    public BackgroundInstallation.Ready prepare() throws ReflectiveOperationException {
        Exporter exporter = Exporter.prepare(config, log);
        started.set(exporter);
        Dl4jProbes probes = new Dl4jProbes(exporter.monitors(), exporter.health(), config.observesTraining(),
                config.observesInference(), revive ? config.reviveEvery() : 0);
        probes.installInto(Probes.class);
        Dl4jInstrumentation weaver = Dl4jInstrumentation.transformer(instrumentation, exporter.health(),
                probes::installInto, log);
        // DL4J is almost always on the application class path: its one-off checks here, not on main.
        ClassLoader application = ClassLoader.getSystemClassLoader();
        boolean woven = weaver.warmUp(application);
        return new BackgroundInstallation.Ready(weaver, exporter.health(), () -> {
            exporter.publish();
            if (woven) {
                // The gate is open: what these load goes through the weaver like any other class.
                weaver.weaveAhead(application);
                probes.warmUp(application);
            }
            // Bridge directories of agents killed with kill -9 (their delete-on-exit never ran): housekeeping that
            // nothing waits for, so after the gate has opened (it lists the whole temp directory).
            StaleBridgeDirs.remove(Path.of(System.getProperty("java.io.tmpdir")));
        });
    }
}
