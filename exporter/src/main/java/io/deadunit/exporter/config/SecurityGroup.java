package io.deadunit.exporter.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The security keys that guard one thing (the metrics endpoint; a push to a gateway), in pairs that switch on one
 * protection each (basic auth: user + password file; TLS: keystore + its password file). The rule is fail closed:
 * when any key of the group is given, even with a value that was refused, the guarded thing runs with exactly the
 * protection asked for or does not run at all. It never falls back to less (plain HTTP, no auth) because a file was
 * missing or half a pair was given.
 *
 * <p>Reusable: a new guarded thing declares its own group, e.g.
 * {@code new SecurityGroup("the push", SecurityGroup.pair("basic auth", PUSH_USER, PUSH_PASSWORD_FILE))}, and asks
 * {@link #refusal} before it starts.
 */
public final class SecurityGroup {
    private final String guarded;
    private final List<Pair> pairs;

    /** @param guarded what the keys protect, as it reads in a sentence: "the metrics endpoint" */
    public SecurityGroup(String guarded, Pair... pairs) {
        this.guarded = guarded;
        this.pairs = List.of(pairs);
    }

    /** Two keys that together switch on one protection. */
    public static Pair pair(String protection, ConfigKey<?> first, ConfigKey<?> second) {
        return new Pair(protection, first, second);
    }

    /** Every key of the group. */
    public List<ConfigKey<?>> keys() {
        List<ConfigKey<?>> keys = new ArrayList<>();
        for (Pair p : pairs) {
            keys.add(p.first);
            keys.add(p.second);
        }
        return keys;
    }

    /**
     * Why the guarded thing must not start with this config, as one phrase ending in "so ... will not start"; empty
     * when every pair is either complete and valid or entirely absent.
     */
    public Optional<String> refusal(AgentConfig config) {
        for (Pair p : pairs) {
            Optional<String> broken = p.broken(config);
            if (broken.isPresent()) {
                return Optional.of(broken.get() + ", so " + guarded + " will not start");
            }
        }
        return Optional.empty();
    }

    /** The pair's protection is fully configured (both keys set with accepted values). */
    public boolean on(Pair pair, AgentConfig config) {
        return config.find(pair.first).isPresent() && config.find(pair.second).isPresent();
    }

    public static final class Pair {
        private final String protection;
        private final ConfigKey<?> first;
        private final ConfigKey<?> second;

        private Pair(String protection, ConfigKey<?> first, ConfigKey<?> second) {
            this.protection = protection;
            this.first = first;
            this.second = second;
        }

        Optional<String> broken(AgentConfig config) {
            for (ConfigKey<?> key : List.of(first, second)) {
                if (config.rejected(key)) {
                    return Optional.of(key.key() + " was given but cannot be used (" + protection + " needs both "
                            + first.key() + " and " + second.key() + ")");
                }
            }
            boolean hasFirst = config.find(first).isPresent();
            boolean hasSecond = config.find(second).isPresent();
            if (hasFirst != hasSecond) {
                return Optional.of(protection + " needs both " + first.key() + " and " + second.key() + " but "
                        + (hasFirst ? second : first).key() + " is missing");
            }
            return Optional.empty();
        }

        /** The key of this pair that is missing or refused while the other was given; empty otherwise. */
        Optional<ConfigKey<?>> missing(AgentConfig config) {
            boolean firstGiven = config.given(first);
            boolean secondGiven = config.given(second);
            if (!firstGiven && !secondGiven) {
                return Optional.empty();
            }
            if (config.find(first).isEmpty()) {
                return Optional.of(first);
            }
            if (config.find(second).isEmpty()) {
                return Optional.of(second);
            }
            return Optional.empty();
        }
    }
}
