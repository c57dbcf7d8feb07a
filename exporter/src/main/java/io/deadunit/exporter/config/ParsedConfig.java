package io.deadunit.exporter.config;

import java.util.List;
import java.util.Optional;

/** The config that applies plus what was wrong with the settings. */
public final class ParsedConfig {
    static final int LISTED_PROBLEMS = 5;

    private final AgentConfig config;
    private final List<String> problems;
    private final boolean unknownKey;

    ParsedConfig(AgentConfig config, List<String> problems, boolean unknownKey) {
        this.config = config;
        this.problems = List.copyOf(problems);
        this.unknownKey = unknownKey;
    }

    public AgentConfig config() {
        return config;
    }

    /** One phrase per problem, each naming the key as the user wrote it; empty when all settings were good. */
    public List<String> problems() {
        return problems;
    }

    /**
     * All problems on one line for stderr, e.g. {@code deadunit: sampleEvery=abc: expected a whole number from 1
     * to 1000000; using defaults for those keys, training continues.} Lists the first few problems and counts the
     * rest, so a garbage argument string cannot flood the console.
     */
    public Optional<String> warningLine() {
        if (problems.isEmpty()) {
            return Optional.empty();
        }
        StringBuilder line = new StringBuilder("deadunit: ");
        int listed = Math.min(problems.size(), LISTED_PROBLEMS);
        line.append(String.join("; ", problems.subList(0, listed)));
        if (problems.size() > listed) {
            line.append("; and ").append(problems.size() - listed).append(" more");
        }
        if (unknownKey) {
            line.append(" (known keys: ").append(ConfigKey.knownKeys()).append(')');
        }
        line.append("; using defaults for those keys, training continues.");
        return Optional.of(line.toString());
    }

    @Override
    public String toString() {
        return config + (problems.isEmpty() ? "" : " " + problems);
    }
}
