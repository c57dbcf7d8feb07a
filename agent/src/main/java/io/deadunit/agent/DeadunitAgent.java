package io.deadunit.agent;

import io.deadunit.agent.instrument.BackgroundInstallation;
import io.deadunit.exporter.Exporter;
import io.deadunit.exporter.config.AgentConfig;
import io.deadunit.exporter.config.ConfigParser;
import io.deadunit.exporter.config.DisabledSwitch;
import io.deadunit.exporter.config.ParsedConfig;

import java.io.PrintStream;
import java.lang.instrument.Instrumentation;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code -javaagent:deadunit-agent.jar=key=value,...}: parses the configuration, starts the exporter and installs
 * the DL4J instrumentation. Nothing here may stop the application from starting: every failure becomes one line on
 * stderr.
 */
public final class DeadunitAgent {
    private static final PrintStream LOG = System.err;

    private DeadunitAgent() {
    }

    public static void premain(String arguments, Instrumentation instrumentation) {
        try {
            if (DisabledSwitch.isOff(arguments)) {
                return; // enabled=false and nothing else set: not even the configuration parser loads
            }
            start(arguments, instrumentation);
        } catch (Throwable t) {
            LOG.println("deadunit: the agent could not start (" + t + "); training continues without it.");
        }
    }

    /** Attaching to a running JVM: models already initialised are picked up at their next iteration. */
    public static void agentmain(String arguments, Instrumentation instrumentation) {
        premain(arguments, instrumentation);
    }

    private static void start(String arguments, Instrumentation instrumentation) {
        ParsedConfig parsed = ConfigParser.parse(arguments);
        parsed.warningLine().ifPresent(LOG::println);
        parsed.adviceLine().ifPresent(LOG::println);
        AgentConfig config = parsed.config();
        if (!config.enabled()) {
            return;
        }
        // Before any class of the application: JavaCPP reads its limits once, when ND4J first allocates.
        JavaCppBudget.raise(System.getProperties(), Runtime.getRuntime().maxMemory());
        // Revival acts on training-phase evidence only: observed inference passes share the layers' windows.
        boolean revive = config.revive() && !config.observesInference();
        if (config.revive() && !revive) {
            LOG.println("deadunit: revive=true is ignored with phases=" + (config.observesTraining() ? "train+" : "")
                    + "inference: inference passes share the windows, and revival acts on training-phase evidence"
                    + " only; nothing is revived.");
        } else if (revive) {
            LOG.println("deadunit: revive=true: dead units of dense layers will be REINITIALISED every "
                    + config.reviveEvery() + " window(s) of " + config.window() + " iterations. This CHANGES TRAINING"
                    + " (off by default; remove revive=true to only observe).");
        }
        AtomicReference<Exporter> started = new AtomicReference<>();
        BackgroundInstallation.start(instrumentation, new AgentStartup(config, revive, instrumentation, started, LOG),
                LOG);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(started.get(), config), "deadunit-shutdown"));
    }

    private static void stop(Exporter exporter, AgentConfig config) {
        if (exporter == null) {
            return; // exited before the agent was ready
        }
        try {
            if (config.summary()) {
                String summary = exporter.summary();
                if (!summary.isEmpty()) {
                    LOG.print(summary);
                    LOG.flush();
                }
            }
            exporter.close();
        } catch (Throwable t) {
            // The JVM is exiting: nothing useful left to do.
        }
    }
}
