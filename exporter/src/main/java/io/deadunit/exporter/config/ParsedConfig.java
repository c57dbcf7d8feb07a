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

    /**
     * A setting that applies as given but defeats something shipped, on its own line (it is not a problem: the
     * value is used): today a {@code pushEvery} longer than {@link #STALE_PUSH_SECONDS}, the age after which the
     * shipped rules ({@code deadunit:push_group:stale} in grafana/prometheus/rules) drop a pushed group from every
     * alert, so this process' series would count as stale between two pushes.
     */
    public Optional<String> adviceLine() {
        if (config.pushgateway().isEmpty() || config.pushEvery() <= STALE_PUSH_SECONDS) {
            return Optional.empty();
        }
        return Optional.of("deadunit: pushEvery=" + config.pushEvery() + " is longer than the " + STALE_PUSH_SECONDS
                + " s after which the shipped alert rules treat a pushed group as stale (deadunit:push_group:stale):"
                + " between two pushes this process' series do not alert. Pushing every " + config.pushEvery()
                + " s as asked; use pushEvery=" + STALE_PUSH_SECONDS + " or less, or widen that rule.");
    }

    /** Age of the last push after which the shipped rules treat a pushed group as stale (5 minutes). */
    public static final int STALE_PUSH_SECONDS = 300;

    @Override
    public String toString() {
        return config + (problems.isEmpty() ? "" : " " + problems);
    }
}
