package io.deadunit.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Smoke mode on one workload, end to end: forks real JVMs with the packaged agent, so it runs in the
 * integration-test phase (failsafe), after the agent module is packaged. About a minute on an idle 2-core machine.
 */
class BenchSmokeTest {

    @Test
    void smokeModeWritesTheTableWithEveryConfiguration(@TempDir Path dir) throws Exception {
        Path agent = Path.of(System.getProperty("deadunit.bench.agentJar", "../agent/target/deadunit-agent.jar"));
        assertThat(agent).as("the agent jar: package the agent module first").isRegularFile();
        Path out = dir.resolve("smoke.md");

        Bench.run(new String[] {"--mode", "smoke", "--workloads", "mlp", "--agent", agent.toString(),
                "--out", out.toString()});

        assertThat(out).isRegularFile();
        String md = Files.readString(out);
        assertThat(md).contains("Smoke mode", "## Targets", "## Throughput", "## Start-up", "## Scrape of `/metrics`",
                "## Heap retained by the agent", "## Heap growth", "OMP_NUM_THREADS=1");
        for (Bench.Config c : Bench.Config.values()) {
            assertThat(md).as("a row for %s", c.id).containsPattern("\\| mlp \\| " + c.id + " \\| [0-9.]+ \\|");
        }
        List<String> runs = Files.readAllLines(dir.resolve("smoke-runs.csv"));
        assertThat(runs).hasSize(1 + Bench.Config.values().length);
        assertThat(runs.subList(1, runs.size())).allSatisfy(line -> assertThat(line).contains(",true,"));
        // The agent observed the model in every run where it was enabled (it prints an exit summary).
        assertThat(runs.stream().filter(l -> l.contains(",agent-")))
                .hasSize(2).allSatisfy(line -> assertThat(line).endsWith(",true"));
        // The one-JVM comparison ran in both agent configurations: a ratio for each (switching over JMX worked).
        assertThat(md).contains("## One JVM: monitoring active vs paused")
                .containsPattern("\\| mlp \\| agent-defaults \\| [0-9.]+ \\| [0-9.]+–[0-9.]+ \\| [0-9.]+–[0-9.]+ \\| ≥")
                .containsPattern("\\| mlp \\| agent-every \\| [0-9.]+ \\| [0-9.]+–[0-9.]+ \\| [0-9.]+–[0-9.]+ \\| ≥");
        // Issue #15's verdicts: the self-accounted share and the one-JVM interval, for both agent configurations.
        assertThat(md).contains("## The agent's share of training time")
                .containsPattern("\\| mlp \\| agent-defaults \\| ≤ 0.30% \\| -?[0-9.]+% \\[")
                .containsPattern("\\| mlp \\| agent-every \\| ≤ 1.5% \\| -?[0-9.]+% \\[")
                .contains("agent-defaults: one-JVM measured slowdown ≤ 0.30% (95% CI, pooled pairs)");
        // The timeline plot of the agent-defaults run, drawn by the benchmark next to the report.
        Path plot = dir.resolve("timeline-mlp-agent-defaults.png");
        assertThat(md).contains("](timeline-mlp-agent-defaults.png)");
        java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(plot.toFile());
        assertThat(image).as("a PNG at %s", plot).isNotNull();
        assertThat(image.getWidth()).isEqualTo(1000);
        // The scrape found all 50 layers of the deep model.
        assertThat(md).containsPattern("\\| 1 \\| [0-9.]+ ms \\| [0-9.]+ ms \\| [0-9.]+ ms \\| [0-9.]+ ms \\| 50 \\|");
    }
}
