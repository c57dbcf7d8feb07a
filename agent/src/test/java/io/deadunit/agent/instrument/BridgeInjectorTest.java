package io.deadunit.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;

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
        } finally {
            Files.deleteIfExists(jar);
            Files.deleteIfExists(jar.getParent());
        }
    }
}
