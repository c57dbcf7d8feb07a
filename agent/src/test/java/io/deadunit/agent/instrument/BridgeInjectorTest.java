package io.deadunit.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.util.jar.JarFile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

/** Issue 12, finding 5: the bridge jar is written where only the process owner can read or replace it. */
class BridgeInjectorTest {

    @Test
    void theBridgeJarLivesInAnOwnerOnlyDirectory() throws Exception {
        Path jar = BridgeInjector.privateJar();
        try {
            assertThat(jar.getParent()).isNotEqualTo(Path.of(System.getProperty("java.io.tmpdir")));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(jar.getParent())))
                    .isEqualTo("rwx------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(jar))).isEqualTo("rw-------");
            assertThat(Files.size(jar)).isZero();
            assertThat(jar.getParent().getFileName().toString())
                    .startsWith("deadunit-" + ProcessHandle.current().pid() + "-");
        } finally {
            Files.deleteIfExists(jar);
            Files.deleteIfExists(jar.getParent());
        }
    }

    @Test
    void aDiskFullHalfWayThroughTheJarLeavesNeitherJarNorDirectory() throws Exception {
        Path jar = BridgeInjector.privateJar();
        // What a full disk does: the first bytes land, then every write fails.
        OutputStream diskFull = new OutputStream() {
            private int written;

            @Override
            public void write(int b) throws IOException {
                if (++written > 100) {
                    throw new IOException("No space left on device");
                }
            }
        };

        assertThatThrownBy(() -> BridgeInjector.writeBridge(jar, diskFull))
                .isInstanceOf(IOException.class).hasMessage("No space left on device");
        assertThat(jar).doesNotExist();
        assertThat(jar.getParent()).doesNotExist();
    }

    @Test
    void theBridgeJarIsWrittenWhole() throws Exception {
        Path jar = BridgeInjector.privateJar();
        try {
            BridgeInjector.writeBridge(jar, Files.newOutputStream(jar));
            try (JarFile file = new JarFile(jar.toFile())) {
                assertThat(file.getEntry("io/deadunit/agent/probe/Probes.class")).isNotNull();
                assertThat(file.getEntry("io/deadunit/agent/probe/ProbeState.class")).isNotNull();
            }
        } finally {
            Files.deleteIfExists(jar);
            Files.deleteIfExists(jar.getParent());
        }
    }
}
