package io.deadunit.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/**
 * Attached with {@code enabled=false}, the agent costs the trainer nothing per call because it installs nothing:
 * {@code premain} sees {@code enabled=false} alone ({@code DisabledSwitch}) and returns before even the configuration
 * parser loads. Shown by the classes the JVM loads (unified logging of class loading, through
 * {@code JAVA_TOOL_OPTIONS}): no Byte Buddy or ASM, no transformer, no advice, no probe, no monitor, meter or endpoint
 * class, no parser; only premain, that switch and what premain's code names. With nothing transformed, no DL4J
 * method runs a single extra instruction, so no one-JVM comparison is needed to show it is free (bench/README.md,
 * "Disabled").
 */
class DisabledIT {

    @Test
    void disabledAgentLoadsNeitherTheWeaverNorAnyProbe() throws IOException {
        List<String> loaded;
        try (ForkedTrainer t = ForkedTrainer.trainer("MlpTrainer").name("Disabled").agentArgs("enabled=false")
                .env("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=classes.txt").hold(false)
                .args("--iterations", "20").start()) {
            t.awaitDone();
            assertThat(t.finish()).as("exit code" + t.describe()).isZero();
            assertThat(t.stderrLines()).as("stderr" + t.describe()).noneMatch(l -> l.startsWith("deadunit:"));
            loaded = classesLoaded(t.file("classes.txt"));
        }
        assertThat(loaded).as("DL4J trained in this JVM").anyMatch(c -> c.startsWith("org.deeplearning4j.nn.layers."));
        List<String> ours = loaded.stream().filter(c -> c.startsWith("io.deadunit.")).collect(Collectors.toList());
        assertThat(ours).as("the agent's classes loaded: premain and its argument parsing, nothing that instruments or observes")
                .contains("io.deadunit.agent.DeadunitAgent")
                .noneMatch(c -> c.startsWith("io.deadunit.shaded."))
                .noneMatch(c -> c.startsWith("io.deadunit.agent.instrument.advice."))
                .noneMatch(c -> c.startsWith("io.deadunit.agent.instrument.Dl4jInstrumentation"))
                .noneMatch(c -> c.startsWith("io.deadunit.agent.instrument.GatedTransformer"))
                .noneMatch(c -> c.startsWith("io.deadunit.agent.probe."))
                .noneMatch(c -> c.startsWith("io.deadunit.agent.dl4j."))
                .noneMatch(c -> c.startsWith("io.deadunit.exporter.monitor."))
                .noneMatch(c -> c.startsWith("io.deadunit.exporter.server."))
                .noneMatch(c -> c.startsWith("io.deadunit.exporter.meters."))
                .contains("io.deadunit.exporter.config.DisabledSwitch")
                .noneMatch(c -> c.startsWith("io.deadunit.exporter.config.ConfigParser"))
                .noneMatch(c -> c.startsWith("io.deadunit.exporter.config.ConfigKey"))
                .noneMatch(c -> c.startsWith("io.deadunit.exporter.config.ValueType"))
                .noneMatch(c -> c.startsWith("io.deadunit.exporter.config.Values"));
    }

    /** Class names from {@code -Xlog:class+load} lines: {@code [0.012s][info][class,load] java.lang.Object source: ...}. */
    private static List<String> classesLoaded(Path log) {
        try {
            return Files.readAllLines(log).stream()
                    .map(l -> l.substring(l.indexOf("] ", l.indexOf("class,load")) + 2))
                    .map(l -> l.split(" ", 2)[0])
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
