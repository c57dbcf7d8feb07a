package io.deadunit.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Test 10. Zero code change: no example trainer class refers to the agent or the exporter (their constant pools
 * hold no io/deadunit/agent, io/deadunit/exporter or shaded name), their sources do not mention those packages,
 * and their runtime class path holds no deadunit jar.
 */
class ZeroCodeChangeIT {

    static final List<String> FORBIDDEN = List.of("io/deadunit/agent", "io/deadunit/exporter", "io.deadunit.agent",
            "io.deadunit.exporter", "io/deadunit/shaded", "io.deadunit.shaded");

    @Test
    void exampleClassesDoNotReferenceTheAgent() throws IOException {
        Path classes = ItEnv.examplesClasses();
        List<Path> files;
        try (Stream<Path> s = Files.walk(classes)) {
            files = s.filter(p -> p.toString().endsWith(".class")).collect(Collectors.toList());
        }
        assertThat(files).as("example classes").hasSizeGreaterThanOrEqualTo(8);
        List<String> offenders = new ArrayList<>();
        for (Path f : files) {
            for (String utf8 : constantPoolStrings(f)) {
                for (String bad : FORBIDDEN) {
                    if (utf8.contains(bad)) {
                        offenders.add(classes.relativize(f) + ": " + utf8);
                    }
                }
            }
        }
        assertThat(offenders).as("constant pool entries naming deadunit's agent/exporter").isEmpty();
    }

    @Test
    void exampleSourcesDoNotMentionTheAgent() throws IOException {
        Path sources = ItEnv.examplesClasses().resolve("../../src/main/java").normalize();
        if (!Files.isDirectory(sources)) {
            return; // only the compiled classes are available: the constant-pool scan covers them
        }
        List<String> offenders = new ArrayList<>();
        try (Stream<Path> s = Files.walk(sources)) {
            for (Path f : s.filter(p -> p.toString().endsWith(".java")).collect(Collectors.toList())) {
                String text = new String(Files.readAllBytes(f), StandardCharsets.UTF_8);
                for (String bad : FORBIDDEN) {
                    if (text.contains(bad)) {
                        offenders.add(sources.relativize(f) + " mentions " + bad);
                    }
                }
            }
        }
        assertThat(offenders).isEmpty();
    }

    @Test
    void trainerClassPathHasNoDeadunitJar() throws IOException {
        String cp = new String(Files.readAllBytes(ItEnv.classpathFile()), StandardCharsets.UTF_8).trim();
        assertThat(cp).isNotBlank();
        // (an application may well have its own Byte Buddy, Micrometer or Prometheus client: not deadunit's)
        List<String> deadunitJars = java.util.Arrays.stream(cp.split(java.io.File.pathSeparator))
                .filter(e -> java.nio.file.Paths.get(e).getFileName().toString().startsWith("deadunit-"))
                .collect(Collectors.toList());
        assertThat(deadunitJars).as("deadunit jars on the trainers' class path").isEmpty();
    }

    /** The CONSTANT_Utf8 entries of a class file (class, member, descriptor and string names). */
    static List<String> constantPoolStrings(Path classFile) throws IOException {
        List<String> out = new ArrayList<>();
        try (InputStream in = Files.newInputStream(classFile); DataInputStream d = new DataInputStream(in)) {
            if (d.readInt() != 0xCAFEBABE) {
                throw new IOException("not a class file: " + classFile);
            }
            d.readUnsignedShort();
            d.readUnsignedShort();
            int count = d.readUnsignedShort();
            for (int i = 1; i < count; i++) {
                int tag = d.readUnsignedByte();
                switch (tag) {
                    case 1:
                        out.add(d.readUTF());
                        break;
                    case 3: case 4:
                        d.readInt();
                        break;
                    case 5: case 6:
                        d.readLong();
                        i++;
                        break;
                    case 7: case 8: case 16: case 19: case 20:
                        d.readUnsignedShort();
                        break;
                    case 9: case 10: case 11: case 12: case 17: case 18:
                        d.readInt();
                        break;
                    case 15:
                        d.readUnsignedByte();
                        d.readUnsignedShort();
                        break;
                    default:
                        throw new IOException("unknown constant pool tag " + tag + " in " + classFile);
                }
            }
        }
        return out;
    }
}
