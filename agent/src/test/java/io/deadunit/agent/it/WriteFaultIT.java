package io.deadunit.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 12: real faults on every file the agent writes, the discovery file of {@code targetsDir} and the bridge jar
 * for isolated class loaders (in a private directory under {@code java.io.tmpdir}). No fault is simulated:
 * <ul>
 *   <li>disk full: the trainer runs under a file-size limit ({@code ulimit -f 1}: a regular file may not grow past
 *       1 KiB). The kernel fails the write that crosses it with EFBIG after the first KiB landed, as a disk that
 *       fills half-way through a file does (HotSpot ignores SIGXFSZ). The bridge jar (~2.3 KiB) and a discovery
 *       file with ten labels of 100 characters (~1.2 KiB) cross it; the trainer's output goes to pipes, which have
 *       no such limit;</li>
 *   <li>read-only: the directory is {@code chmod 0555}; where that does not hold (root ignores permissions) it is
 *       a read-only bind mount in a private mount namespace ({@code unshare -m}), EROFS from the kernel;</li>
 *   <li>SIGTERM and {@code kill -9} while training.</li>
 * </ul>
 * Each time training completes with final parameters bitwise identical to a run without the agent (SHA-256 of
 * {@code model.params()}), the agent prints exactly one {@code deadunit:} line about the fault, and no partial or
 * temporary file is left in the directory.
 */
class WriteFaultIT {

    private static final String[] TRAIN = {"--deadUnits", "5", "--iterations", "20", "--seed", "7",
            "--paramsDigest"};
    /** Ten labels of 100 characters: a discovery file of ~1.2 KiB, so the 1-KiB limit cuts it half-way. */
    private static final String LONG_LABELS = longLabels();
    private static final Duration SIGNAL_EXIT = Duration.ofSeconds(20);

    private static String plainDigest;

    @BeforeAll
    static void trainWithoutAgent() {
        // First, and without any limit: a clean machine's first DL4J run unpacks JavaCPP's native libraries.
        try (ForkedTrainer t = ForkedTrainer.trainer("DeadLayerTrainer").name("WriteFault-plain").withoutAgent()
                .args(TRAIN).hold(false).start()) {
            plainDigest = digestOfCompletedRun(t);
        }
    }

    @Test
    void discoveryFileOnAFullDisk() {
        Path targets = ItEnv.runDir("WriteFault-targets-full");
        try (ForkedTrainer t = ForkedTrainer.trainer("DeadLayerTrainer").name("WriteFault-targets-full")
                .agentArgs("targetsDir=" + targets + ",labels=" + LONG_LABELS).fileSizeLimitKib(1)
                .args(TRAIN).hold(false).start()) {
            assertThat(digestOfCompletedRun(t)).as("parameters as without the agent").isEqualTo(plainDigest);
            assertThat(faultLines(t)).as("deadunit lines but serving and summary" + t.describe()).singleElement()
                    .asString().startsWith("deadunit: cannot write the discovery file in targetsDir " + targets)
                    .contains("File too large");
            assertThat(list(targets)).as("nothing left in targetsDir, partial or temporary").isEmpty();
        }
    }

    @Test
    void discoveryFileInAReadOnlyDirectory() {
        Path targets = ItEnv.runDir("WriteFault-targets-ro");
        try (ReadOnlyDir readOnly = ReadOnlyDir.of(targets);
             ForkedTrainer t = ForkedTrainer.trainer("DeadLayerTrainer").name("WriteFault-targets-ro")
                     .wrapper(readOnly.wrapper()).agentArgs("targetsDir=" + targets).args(TRAIN).hold(false)
                     .start()) {
            assertThat(digestOfCompletedRun(t)).as("parameters as without the agent").isEqualTo(plainDigest);
            assertThat(faultLines(t)).as("deadunit lines but serving and summary" + t.describe()).singleElement()
                    .asString().startsWith("deadunit: targetsDir=").contains("is not writable")
                    .contains("training continues");
            assertThat(list(targets)).isEmpty();
        }
    }

    @Test
    void bridgeJarOnAFullDisk() {
        Path tmp = ItEnv.runDir("WriteFault-bridge-full-tmp");
        try (ForkedTrainer t = isolated("WriteFault-bridge-full", tmp).fileSizeLimitKib(1).start()) {
            assertThat(digestOfCompletedRun(t)).as("parameters as without the agent").isEqualTo(plainDigest);
            assertThat(faultLines(t)).as("deadunit lines but serving and summary" + t.describe()).singleElement()
                    .asString().startsWith("deadunit: cannot write the agent's bridge jar in " + tmp)
                    .contains("File too large").contains("is not monitored");
            assertThat(list(tmp)).as("no partial jar, no empty private directory").isEmpty();
        }
    }

    @Test
    void bridgeJarInAReadOnlyTempDirectory() {
        Path tmp = ItEnv.runDir("WriteFault-bridge-ro-tmp");
        try (ReadOnlyDir readOnly = ReadOnlyDir.of(tmp);
             ForkedTrainer t = isolated("WriteFault-bridge-ro", tmp).wrapper(readOnly.wrapper()).start()) {
            assertThat(digestOfCompletedRun(t)).as("parameters as without the agent").isEqualTo(plainDigest);
            assertThat(faultLines(t)).as("deadunit lines but serving and summary" + t.describe()).singleElement()
                    .asString().startsWith("deadunit: cannot write the agent's bridge jar in " + tmp)
                    .contains("is not monitored");
            assertThat(list(tmp)).isEmpty();
        }
    }

    /** SIGTERM while training: shutdown hooks remove the discovery file and the bridge jar with its directory. */
    @Test
    void sigtermWhileTrainingLeavesNoFile() {
        Path targets = ItEnv.runDir("WriteFault-sigterm-targets");
        Path tmp = ItEnv.runDir("WriteFault-sigterm-tmp");
        try (ForkedTrainer t = trainingUntilKilled("WriteFault-sigterm", targets, tmp)) {
            t.process().toHandle().destroy();
            assertThat(t.waitForExit(SIGNAL_EXIT)).as("exit code after SIGTERM" + t.describe()).isEqualTo(143);
            assertThat(list(targets)).as("targetsDir after SIGTERM").isEmpty();
            assertThat(list(tmp)).as("temp directory after SIGTERM").isEmpty();
            assertThat(faultLines(t)).as("deadunit lines but serving and summary" + t.describe()).isEmpty();
        }
    }

    /**
     * {@code kill -9} while training: nothing can run, so the files stay, but whole: the discovery file was renamed
     * into place complete, and the bridge jar was complete before the bootstrap loader opened it. The next agent
     * to start removes the dead process' bridge directory, and its discovery file (same host, process gone).
     */
    @Test
    void killMinus9WhileTrainingLeavesOnlyWholeFiles() throws IOException {
        Path targets = ItEnv.runDir("WriteFault-kill9-targets");
        Path tmp = ItEnv.runDir("WriteFault-kill9-tmp");
        long pid;
        int port;
        try (ForkedTrainer t = trainingUntilKilled("WriteFault-kill9", targets, tmp)) {
            pid = t.process().pid();
            port = t.port();
            t.process().destroyForcibly();
            assertThat(t.waitForExit(SIGNAL_EXIT)).as("exit code after SIGKILL").isEqualTo(137);
        }
        Path discovery = targets.resolve("deadunit-" + pid + "-" + port + ".json");
        assertThat(list(targets)).as("only the whole discovery file").containsExactly(discovery);
        assertThat(Files.readString(discovery)).startsWith("[{\"targets\":[\"127.0.0.1:" + port + "\"]")
                .endsWith("}]\n");
        List<Path> left = list(tmp);
        assertThat(left).as("the dead process' bridge directory").singleElement().asString()
                .contains("deadunit-" + pid + "-");
        try (JarFile jar = new JarFile(left.get(0).resolve("bridge.jar").toFile())) {
            assertThat(jar.getEntry("io/deadunit/agent/probe/Probes.class")).as("a whole jar").isNotNull();
            assertThat(jar.getEntry("io/deadunit/agent/probe/ProbeState.class")).isNotNull();
        }

        try (ForkedTrainer next = isolated("WriteFault-after-kill9", tmp)
                .agentArgs("sampleEvery=1,targetsDir=" + targets).start()) {
            assertThat(digestOfCompletedRun(next)).isEqualTo(plainDigest);
            assertThat(list(tmp)).as("the next agent removed the dead process' bridge directory; its own is"
                    + " removed at exit").isEmpty();
            assertThat(list(targets)).as("the next agent removed the dead process' discovery file; its own is"
                    + " removed at exit").isEmpty();
        }
    }

    /** DeadLayerTrainer in an isolated class loader (the bridge jar is needed), with its temp directory. */
    private static ForkedTrainer.Builder isolated(String name, Path tmp) {
        return ForkedTrainer.trainer("DeadLayerTrainer").name(name).childLoader("isolated")
                .jvmArgs("-Djava.io.tmpdir=" + tmp).agentArgs("sampleEvery=1").args(TRAIN).hold(false);
    }

    /** Both files written, training under way (until killed), every iteration sampled. */
    private static ForkedTrainer trainingUntilKilled(String name, Path targets, Path tmp) {
        ForkedTrainer t = ForkedTrainer.trainer("DeadLayerTrainer").name(name).childLoader("isolated")
                .jvmArgs("-Djava.io.tmpdir=" + tmp).agentArgs("sampleEvery=1,targetsDir=" + targets)
                .args("--deadUnits", "5", "--seconds", "0").hold(false).start();
        PrometheusText metrics = t.scrapeUntil(m -> m.has("dl4j_training_iterations_total", Map.of())
                && m.value("dl4j_training_iterations_total", Map.of()) > 0, ForkedTrainer.DEFAULT_TIMEOUT);
        assertThat(metrics.value("dl4j_training_iterations_total", Map.of())).as("training under way"
                + t.describe()).isPositive();
        assertThat(list(targets)).as("discovery file written").hasSize(1);
        assertThat(list(tmp)).as("bridge directory written").hasSize(1);
        assertThat(t.process().isAlive()).isTrue();
        return t;
    }

    private static String digestOfCompletedRun(ForkedTrainer t) {
        t.awaitDone();
        assertThat(t.waitForExit(ForkedTrainer.DEFAULT_TIMEOUT)).as("exit code" + t.describe()).isZero();
        return t.stdoutLines().stream().filter(l -> l.startsWith("PARAMS_SHA256 ")).findFirst()
                .orElseThrow(() -> new AssertionError("no PARAMS_SHA256 line" + t.describe()));
    }

    /** The agent's lines but those every run prints: where it serves, and the exit summary of monitored models. */
    private static List<String> faultLines(ForkedTrainer t) {
        return t.stderrLines().stream().filter(l -> l.startsWith("deadunit:"))
                .filter(l -> !l.startsWith("deadunit: serving ") && !l.startsWith("deadunit: summary of "))
                .collect(Collectors.toList());
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String longLabels() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            sb.append(i == 0 ? "" : ";").append("label").append(i).append(':').append("v".repeat(100));
        }
        return sb.toString();
    }
}
