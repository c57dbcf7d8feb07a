package io.deadunit.exporter.discovery;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The discovery file (targetsDir=) is whole or absent: never a partial file, never a stray temporary one. */
class TargetFileTest {
    @TempDir
    Path dir;

    private static String[] names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toArray(String[]::new);
        }
    }

    @Test
    void writesTheWholeFileAndNothingElse() throws IOException {
        try (TargetFile file = TargetFile.write(dir, "127.0.0.1:9404", 9404, Map.of("job", "train"))) {
            assertThat(names(dir)).containsExactly(file.path().getFileName().toString());
            assertThat(TargetFile.origin()).as("this process' origin (Linux)")
                    .hasValue(StaleTargetFiles.ownOrigin().orElseThrow())
                    .get().asString().endsWith(":" + ProcessHandle.current().pid());
            assertThat(Files.readString(file.path()))
                    .isEqualTo("[{\"targets\":[\"127.0.0.1:9404\"],\"labels\":{\"job\":\"train\",\"__deadunit_process\":\""
                            + TargetFile.origin().orElseThrow() + "\"}}]\n");
            file.close();
            assertThat(names(dir)).isEmpty();
        }
    }

    @Test
    void aDiskFullHalfWayLeavesNoFileBehind() {
        // What a full disk does: part of the bytes land, then the write fails.
        TargetFile.Writer diskFull = (file, bytes) -> {
            try (OutputStream out = Files.newOutputStream(file)) {
                out.write(bytes, 0, bytes.length / 2);
                throw new IOException("No space left on device");
            }
        };

        assertThatThrownBy(() -> TargetFile.write(dir, "127.0.0.1:9404", 9404, Map.of(), diskFull))
                .isInstanceOf(IOException.class).hasMessage("No space left on device");
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void aDiskFullWhenReplacingAnOldFileKeepsTheOldOneWhole() throws IOException {
        TargetFile old = TargetFile.write(dir, "127.0.0.1:9404", 9404, Map.of());
        String before = Files.readString(old.path(), StandardCharsets.UTF_8);

        assertThatThrownBy(() -> TargetFile.write(dir, "10.0.0.1:9404", 9404, Map.of(), (file, bytes) -> {
            throw new IOException("No space left on device");
        })).isInstanceOf(IOException.class);
        assertThat(names(dir)).containsExactly(old.path().getFileName().toString());
        assertThat(Files.readString(old.path(), StandardCharsets.UTF_8)).isEqualTo(before);
    }

    @Test
    void aDirectoryThatCannotBeWrittenIsAnIOExceptionAndNothingElse() throws IOException {
        // A directory no one can write into, root included (chmod does not stop root): one below a regular file.
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertThatThrownBy(() -> TargetFile.write(file.resolve("targets"), "127.0.0.1:9404", 9404, Map.of()))
                .isInstanceOf(IOException.class);
        assertThat(names(dir)).containsExactly("a-file");
    }
}
