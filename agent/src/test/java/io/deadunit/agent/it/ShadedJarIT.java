package io.deadunit.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/**
 * Everything the agent bundles is relocated under io.deadunit: at the jar's root there is nothing but
 * {@code io/deadunit/} and {@code META-INF/}, and no bundled library (OTLP's protobuf and opentelemetry-proto
 * included) keeps its own package name, so the application's copies are never shadowed.
 */
class ShadedJarIT {

    @Test
    void everyBundledClassIsRelocatedUnderIoDeadunit() throws IOException {
        List<String> names;
        try (JarFile jar = new JarFile(ItEnv.agentJar().toFile())) {
            names = Collections.list(jar.entries()).stream().map(JarEntry::getName).collect(Collectors.toList());
        }
        assertThat(names).as("entries outside io/deadunit/ and META-INF/")
                .filteredOn(n -> !n.startsWith("io/deadunit/") && !n.startsWith("META-INF/") && !n.equals("io/"))
                .isEmpty();
        assertThat(names).as("OTLP's libraries, relocated")
                .anyMatch(n -> n.startsWith("io/deadunit/shaded/com/google/protobuf/"))
                .anyMatch(n -> n.startsWith("io/deadunit/shaded/io/opentelemetry/proto/"))
                .anyMatch(n -> n.startsWith("io/deadunit/shaded/io/micrometer/registry/otlp/"))
                .noneMatch(n -> n.matches("(META-INF/versions/\\d+/)?(com/google|io/opentelemetry|google)/.*"))
                .noneMatch(n -> n.endsWith(".proto"));
        // Maven Shade moves no class of a multi-release jar's META-INF/versions/<n>/ (MSHADE-406): such a class keeps
        // its library's package there and, the agent jar being Multi-Release and on the class path, would be found
        // under that name by an application running on a JDK >= n.
        assertThat(names).as("classes under META-INF/versions/ outside io/deadunit/")
                .filteredOn(n -> n.matches("META-INF/versions/\\d+/.+\\.class"))
                .allMatch(n -> n.matches("META-INF/versions/\\d+/io/deadunit/.+"));
    }
}
