package io.deadunit.agent.instrument;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 12: bridge directories left by a kill -9 are removed by the next agent; nothing else is touched. */
class StaleBridgeDirsTest {
    @TempDir
    Path tmp;

    /** The id of a process that has exited. */
    private static long deadPid() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-version").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        process.waitFor();
        assertThat(ProcessHandle.of(process.pid())).isEmpty();
        return process.pid();
    }

    private Path bridgeDir(String name, String... files) throws Exception {
        Path dir = Files.createDirectory(tmp.resolve(name));
        for (String file : files) {
            Files.write(dir.resolve(file), new byte[] {1, 2, 3});
        }
        return dir;
    }

    private String[] left() throws Exception {
        try (Stream<Path> entries = Files.list(tmp)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toArray(String[]::new);
        }
    }

    @Test
    void removesOnlyTheBridgeDirectoriesOfProcessesThatAreGone() throws Exception {
        long dead = deadPid();
        long alive = ProcessHandle.current().pid();
        bridgeDir("deadunit-" + dead + "-123", "bridge.jar");
        bridgeDir("deadunit-" + dead + "-456");
        bridgeDir("deadunit-" + alive + "-789", "bridge.jar");
        bridgeDir("deadunit-" + dead + "-other", "bridge.jar", "notes.txt");
        bridgeDir("deadunit-robustness.abc", "bridge.jar");
        Files.write(tmp.resolve("deadunit-" + dead + "-file"), new byte[] {1});

        assertThat(StaleBridgeDirs.remove(tmp)).isEqualTo(2);

        assertThat(left()).containsExactly("deadunit-" + alive + "-789", "deadunit-" + dead + "-file",
                "deadunit-" + dead + "-other", "deadunit-robustness.abc");
    }

    @Test
    void aMissingTempDirectoryIsNothingToDo() {
        assertThat(StaleBridgeDirs.remove(tmp.resolve("absent"))).isZero();
    }
}
