package io.deadunit.exporter.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * What a key's value may be: how text becomes a value, which values are allowed, and how both are described to
 * users. A new kind of value (a port range, a duration, a URL, a label map, a directory) is one more factory here,
 * built with {@link #of}; {@link ConfigKey} then declares keys of that type.
 *
 * <p>{@link #parse} throws {@link IllegalArgumentException} for bad text, {@link #check} for a value out of range;
 * the messages are for logs, users see {@link #expected()} (the parser's warning quotes it).
 */
final class ValueType<T> {
    private final String expected;
    private final String bounds;
    private final Function<String, T> syntax;
    private final UnaryOperator<T> check;
    private final Function<T, String> show;

    private ValueType(String expected, String bounds, Function<String, T> syntax, UnaryOperator<T> check,
                      Function<T, String> show) {
        this.expected = expected;
        this.bounds = bounds;
        this.syntax = syntax;
        this.check = check;
        this.show = show;
    }

    /**
     * @param expected what a valid value looks like, as quoted in warnings: "a whole number from 1 to 10"
     * @param syntax   text to value; throws {@link IllegalArgumentException} on bad text
     * @param check    a value to the value kept (normalised, or itself); throws {@link IllegalArgumentException}
     *                 when the value is not allowed. Also applied to values set in code (builder, JMX).
     */
    static <T> ValueType<T> of(String expected, Function<String, T> syntax, UnaryOperator<T> check) {
        return of(expected, syntax, check, String::valueOf);
    }

    /** @param show a value written as a user would write it (README's defaults, {@code toString}): "30s" */
    static <T> ValueType<T> of(String expected, Function<String, T> syntax, UnaryOperator<T> check,
                               Function<T, String> show) {
        return new ValueType<>(expected, expected, syntax, check, show);
    }

    static ValueType<Boolean> bool() {
        return of("true or false", Values::bool, UnaryOperator.identity());
    }

    /** A whole number in {@code [min, max]}. */
    static ValueType<Integer> wholeNumber(int min, int max) {
        return new ValueType<>("a whole number from " + min + " to " + max, "between " + min + " and " + max,
                Values::integer, within(n -> n >= min && n <= max), String::valueOf);
    }

    /** A share in (0, 1]: {@code 0.5}, {@code .25}, {@code 1}. */
    static ValueType<Double> fraction() {
        return of("a number greater than 0 and at most 1", Values::decimal, within(d -> d > 0 && d <= 1));
    }

    /** Checked for syntax only (never looked up); an IPv6 literal is kept without brackets. */
    static ValueType<String> host() {
        return of("a host name or IP address such as 127.0.0.1 or 0.0.0.0", Function.identity(), Values::host);
    }

    /** 1 to 100 printable characters, optionally without ':' (a user name in basic auth). */
    static ValueType<String> name(boolean forbidColon) {
        return of("a name of 1 to " + Values.MAX_NAME_LENGTH + " printable characters"
                + (forbidColon ? " without ':'" : ""), Function.identity(), v -> Values.name(v, forbidColon));
    }

    /**
     * A file that is readable when the settings are parsed. A path set in code is not checked: whoever opens the
     * file reports it then (the endpoint does).
     */
    static ValueType<Path> readableFile(String expected) {
        return of(expected, Values::readableFile, UnaryOperator.identity());
    }

    /** {@code 9404}, {@code 0} (any free port) or {@code 9404-9420} (the first free one). */
    static ValueType<PortRange> portRange() {
        return new ValueType<>("a whole number from 0 to 65535 (0 picks a free port) or a range such as 9404-9420 (the"
                + " first free port wins)", "between 0 and 65535", PortRange::parse, Objects::requireNonNull,
                String::valueOf);
    }

    /** {@code name:value;name:value}, see {@link Labels}. */
    static ValueType<Map<String, String>> labels() {
        return of("name:value pairs joined by ';' (at most " + Labels.MAX_LABELS + ", names like [a-zA-Z_][a-zA-Z0-9_]*,"
                + " not reserved, values of 1 to " + Values.MAX_NAME_LENGTH + " printable characters)",
                Labels::parse, Labels::check);
    }

    /** A directory this process can write to when the settings are parsed. */
    static ValueType<Path> writableDirectory() {
        return of("the path of an existing directory this process can write to", Values::writableDirectory,
                UnaryOperator.identity());
    }

    /** {@code http://host:port} or {@code https://...}; no credentials, query or fragment. */
    static ValueType<URI> httpUrl(String example) {
        return of("an http:// or https:// URL such as " + example + " (no user:password@, no ?query)",
                Values::httpUrl, Objects::requireNonNull);
    }

    static ValueType<Phases> phases() {
        return of("train, inference, or both joined by + or ; (train+inference)", Values::phases,
                within(Phases::any));
    }

    /** The same type with a remark after its description: "a whole number from 0 to 65535 (0 picks a free port)". */
    ValueType<T> note(String remark) {
        return new ValueType<>(expected + " (" + remark + ")", bounds, syntax, check, show);
    }

    /** Text to an allowed value; {@link IllegalArgumentException} otherwise. */
    T parse(String text) {
        return check(syntax.apply(Objects.requireNonNull(text)));
    }

    /** The value to keep (possibly normalised); {@link IllegalArgumentException} when not allowed. */
    T check(T value) {
        return check.apply(value);
    }

    /** A value as a user would write it. */
    String show(T value) {
        return show.apply(value);
    }

    /** What a valid value looks like, for users: "a whole number from 1 to 1000000". */
    String expected() {
        return expected;
    }

    /** The allowed values alone, for messages that name their own kind: "between 1 and 1000000". */
    String bounds() {
        return bounds;
    }

    private static <T> UnaryOperator<T> within(Predicate<T> allowed) {
        return v -> {
            if (!allowed.test(v)) {
                throw new IllegalArgumentException("out of range");
            }
            return v;
        };
    }
}
