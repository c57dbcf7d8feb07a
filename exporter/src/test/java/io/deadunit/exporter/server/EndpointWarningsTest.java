package io.deadunit.exporter.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.deadunit.exporter.config.AgentConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 12, finding 5: warnings for an exposed endpoint and for password files others can read. */
class EndpointWarningsTest {
    @TempDir
    Path dir;

    @Test
    void anEndpointReachableFromOtherMachinesWithoutProtectionIsSaidOnce() throws Exception {
        assertThat(EndpointWarnings.of(AgentConfig.builder().host("0.0.0.0").build())).singleElement()
                .asString().startsWith("deadunit: the metrics endpoint listens on 0.0.0.0").contains("neither TLS");
        assertThat(EndpointWarnings.of(AgentConfig.builder().host("127.0.0.1").build())).isEmpty();
        assertThat(EndpointWarnings.of(AgentConfig.builder().host("::1").build())).isEmpty();
        assertThat(EndpointWarnings.of(AgentConfig.builder().host("0.0.0.0").user("u")
                .passwordFile(privateFile("pw")).build())).isEmpty();
    }

    @Test
    void aPasswordFileOthersCanReadIsNamed() throws Exception {
        Path open = Files.writeString(dir.resolve("open"), "s3cret");
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
        Path groupOnly = Files.writeString(dir.resolve("group"), "s3cret");
        Files.setPosixFilePermissions(groupOnly, PosixFilePermissions.fromString("rw-r-----"));

        assertThat(EndpointWarnings.of(AgentConfig.builder().user("u").passwordFile(open).build())).singleElement()
                .asString().isEqualTo("deadunit: passwordFile " + open + " can be read by other users (group or "
                        + "others); make it private (chmod 600).");
        assertThat(EndpointWarnings.of(AgentConfig.builder().keystore(privateFile("ks"))
                .keystorePasswordFile(groupOnly).build())).singleElement().asString()
                .startsWith("deadunit: keystorePasswordFile " + groupOnly);
        assertThat(EndpointWarnings.of(AgentConfig.builder().user("u").passwordFile(privateFile("p2")).build()))
                .isEmpty();
    }

    @Test
    void theExporterPrintsTheWarningsOfAStartedEndpoint() throws Exception {
        MetricsEndpoint endpoint = MetricsEndpoint.start(AgentConfig.builder().host("0.0.0.0").port(0).build(),
                TestRegistries.oneCounter());
        try {
            assertThat(endpoint.warnings()).hasSize(1);
        } finally {
            endpoint.close();
        }
    }

    private Path privateFile(String name) throws Exception {
        Path file = Files.writeString(dir.resolve(name), "s3cret");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }
}
