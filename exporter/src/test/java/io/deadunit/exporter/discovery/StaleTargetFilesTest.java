package io.deadunit.exporter.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A starting agent removes the discovery files of this host's dead processes (left by {@code kill -9}) and only
 * those: never a live process' file, another host's or container's, a file without the origin label, one whose
 * label and name disagree, a link, or anything not named like the agent's files.
 */
class StaleTargetFilesTest {
    private static final String HOST = "0b1e2c3d-aaaa-bbbb-cccc-0123456789ab:4026531836";
    private static final long SELF = 100;

    @TempDir
    Path dir;

    private Path own;

    private Path file(long pid, int port, String origin) throws IOException {
        Path p = dir.resolve("deadunit-" + pid + "-" + port + ".json");
        Files.writeString(p, TargetFile.json("127.0.0.1:" + port,
                origin == null ? Map.of("job", "x") : Map.of("job", "x", StaleTargetFiles.ORIGIN_LABEL, origin)));
        return p;
    }

    private int sweep(long... deadPids) throws IOException {
        own = own != null ? own : file(SELF, 9404, HOST + ":" + SELF);
        return StaleTargetFiles.removeDead(own, Optional.of(HOST + ":" + SELF),
                pid -> Stream.of(deadPids).flatMapToLong(java.util.Arrays::stream).anyMatch(d -> d == pid));
    }

    private String[] names() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toArray(String[]::new);
        }
    }

    @Test
    void removesTheFilesOfThisHostsDeadProcesses() throws IOException {
        file(200, 9405, HOST + ":200");
        file(201, 9406, HOST + ":201");
        assertThat(sweep(200, 201)).isEqualTo(2);
        assertThat(names()).containsExactly("deadunit-100-9404.json");
    }

    @Test
    void keepsTheFileOfALiveProcess() throws IOException {
        file(300, 9405, HOST + ":300");
        assertThat(sweep(/* 300 alive */)).isZero();
        assertThat(names()).contains("deadunit-300-9405.json");
    }

    @Test
    void keepsFilesOfOtherHostsAndOtherPidNamespaces() throws IOException {
        file(400, 9405, "ffffffff-aaaa-bbbb-cccc-0123456789ab:4026531836:400");
        file(401, 9406, "0b1e2c3d-aaaa-bbbb-cccc-0123456789ab:4026532999:401");
        assertThat(sweep(400, 401)).isZero();
        assertThat(names()).contains("deadunit-400-9405.json", "deadunit-401-9406.json");
    }

    @Test
    void keepsFilesThatDoNotProveTheirOrigin() throws IOException {
        file(500, 9405, null); // an older agent's, or written by hand
        file(501, 9406, HOST + ":777"); // name and label disagree
        Files.writeString(dir.resolve("deadunit-502-9407.json"), "not json \"" + StaleTargetFiles.ORIGIN_LABEL
                + "\\\":\\\"" + HOST + ":502\"");
        Files.writeString(dir.resolve("deadunit-x-9408.json"), TargetFile.json("h:1",
                Map.of(StaleTargetFiles.ORIGIN_LABEL, HOST + ":503")));
        Files.writeString(dir.resolve("other-504-9409.json"), TargetFile.json("h:1",
                Map.of(StaleTargetFiles.ORIGIN_LABEL, HOST + ":504")));
        assertThat(sweep(500, 501, 502, 503, 504, 777)).isZero();
        assertThat(names()).hasSize(6);
    }

    @Test
    void neverFollowsOrRemovesALinkOrADirectory() throws IOException {
        Path target = dir.resolve("elsewhere.txt");
        Files.writeString(target, TargetFile.json("h:1", Map.of(StaleTargetFiles.ORIGIN_LABEL, HOST + ":600")));
        Files.createSymbolicLink(dir.resolve("deadunit-600-9405.json"), target);
        Files.createDirectory(dir.resolve("deadunit-601-9406.json"));
        assertThat(sweep(600, 601)).isZero();
        assertThat(names()).contains("deadunit-600-9405.json", "deadunit-601-9406.json", "elsewhere.txt");
    }

    @Test
    void keepsItsOwnFileAndDoesNothingWithoutAnOrigin() throws IOException {
        file(700, 9405, HOST + ":700");
        own = file(SELF, 9404, HOST + ":" + SELF);
        assertThat(StaleTargetFiles.removeDead(own, Optional.empty(), pid -> true)).isZero();
        assertThat(sweep(SELF)).as("its own file, even if asked about its own pid").isZero();
        assertThat(names()).contains("deadunit-100-9404.json");
    }

    /** The real thing: a process that has exited, this host's origin, ProcessHandle for liveness. */
    @Test
    void writingItsFileRemovesTheFileOfAnExitedProcessAndKeepsALiveOnes() throws Exception {
        Optional<String> origin = TargetFile.origin();
        assertThat(origin).as("an origin on Linux (/proc)").isPresent();
        String hostAndNamespace = origin.get().substring(0, origin.get().lastIndexOf(':') + 1);
        Process exited = new ProcessBuilder("true").start();
        assertThat(exited.waitFor(30, TimeUnit.SECONDS)).isTrue();
        long deadPid = exited.pid();
        assertThat(ProcessHandle.of(deadPid)).as("the exited process is gone").isEmpty();
        Process live = new ProcessBuilder("sleep", "60").start();
        try {
            file(deadPid, 9405, hostAndNamespace + deadPid);
            file(live.pid(), 9406, hostAndNamespace + live.pid());
            try (TargetFile mine = TargetFile.write(dir, "127.0.0.1:9407", 9407, Map.of())) {
                assertThat(names()).containsExactlyInAnyOrder(mine.path().getFileName().toString(),
                        "deadunit-" + live.pid() + "-9406.json");
            }
        } finally {
            live.destroyForcibly();
        }
    }
}
