package io.deadunit.agent;

import io.deadunit.agent.adapter.Dl4jProbes;
import io.deadunit.agent.instrument.Dl4jInstrumentation;
import io.deadunit.agent.probe.Probes;
import io.deadunit.exporter.Exporter;
import io.deadunit.exporter.config.AgentConfig;
import io.deadunit.exporter.config.ConfigParser;
import io.deadunit.exporter.config.ParsedConfig;

import java.io.PrintStream;
import java.lang.instrument.Instrumentation;
import java.util.HashMap;
import java.util.Map;

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
            start(arguments, instrumentation);
        } catch (Throwable t) {
            LOG.println("deadunit: the agent could not start (" + t + "); training continues without it.");
        }
    }

    /** Attaching to a running JVM: models already initialised are picked up at their next iteration. */
    public static void agentmain(String arguments, Instrumentation instrumentation) {
        premain(arguments, instrumentation);
    }

    private static void start(String arguments, Instrumentation instrumentation) throws ReflectiveOperationException {
        ParsedConfig parsed = ConfigParser.parse(arguments, systemProperties(), System.getenv());
        parsed.warningLine().ifPresent(LOG::println);
        AgentConfig config = parsed.config();
        if (!config.enabled()) {
            return;
        }
        Exporter exporter = Exporter.start(config, LOG);
        Dl4jProbes probes = new Dl4jProbes(exporter.monitors(), exporter.health(),
                config.observesTraining(), config.observesInference());
        probes.installInto(Probes.class);
        Dl4jInstrumentation.install(instrumentation, exporter.health(), probes::installInto, LOG);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(exporter, config), "deadunit-shutdown"));
    }

    private static void stop(Exporter exporter, AgentConfig config) {
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

    private static Map<String, String> systemProperties() {
        Map<String, String> properties = new HashMap<>();
        for (String name : System.getProperties().stringPropertyNames()) {
            properties.put(name, System.getProperty(name));
        }
        return properties;
    }
}
