package io.deadunit.exporter.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** README's configuration table documents exactly the keys {@link ConfigKey} declares, with the same defaults. */
class ReadmeConfigTableTest {
    private static final String HEADER = "| key | meaning | default |";
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

    @Test
    void readmeListsExactlyTheDeclaredKeysWithTheirDefaults() throws IOException {
        Map<String, String> documented = readmeDefaults();
        List<String> declared = new ArrayList<>();
        for (ConfigKey<?> key : ConfigKey.all()) {
            declared.add(key.key());
        }

        assertThat(documented.keySet()).as("keys in README's table").containsExactlyInAnyOrderElementsOf(declared);
        for (ConfigKey<?> key : ConfigKey.all()) {
            String expected = key.defaultValue() == null ? "unset" : "`" + key.shown(key.defaultValue()) + "`";
            assertThat(documented.get(key.key())).as("README default of " + key.key()).startsWith(expected);
        }
    }

    @Test
    void everyKeyHasAOneLineDescription() {
        assertThat(ConfigKey.all()).hasSizeGreaterThan(10)
                .allSatisfy(k -> assertThat(k.doc()).isNotBlank().doesNotContain("\n"));
    }

    /** Key to the text of its default column; a row may document several keys ({@code `user`, `passwordFile`}). */
    private static Map<String, String> readmeDefaults() throws IOException {
        List<String> lines = Files.readAllLines(readme());
        int header = lines.indexOf(HEADER);
        assertThat(header).as("README has a line " + HEADER).isNotNegative();
        Map<String, String> defaults = new LinkedHashMap<>();
        for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            String[] cells = lines.get(i).split("\\|");
            assertThat(cells).as(lines.get(i)).hasSize(4);
            Matcher keys = CODE.matcher(cells[1]);
            while (keys.find()) {
                String previous = defaults.put(keys.group(1), cells[3].strip());
                assertThat(previous).as("README documents " + keys.group(1) + " once").isNull();
            }
        }
        return defaults;
    }

    // Tests run in the module's directory; README.md is at the repository's root.
    private static Path readme() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("README.md");
            if (Files.isRegularFile(candidate) && Files.isDirectory(dir.resolve("exporter"))) {
                return candidate;
            }
        }
        throw new AssertionError("README.md not found above " + Path.of("").toAbsolutePath());
    }
}
