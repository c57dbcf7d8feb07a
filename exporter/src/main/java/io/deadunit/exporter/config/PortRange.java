package io.deadunit.exporter.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code port} key's value: one port ({@code 9404}), {@code 0} (any free port, chosen by the OS), or an
 * inclusive range ({@code 9404-9420}) tried in order, the first free port winning. Several trainers on one host
 * can then share one setting.
 */
public final class PortRange {
    private static final Pattern RANGE = Pattern.compile("\\s*\\+?([0-9]{1,5})\\s*(?:-\\s*([0-9]{1,5})\\s*)?");
    /** Highest port number. */
    public static final int MAX_PORT = 65535;

    private final int first;
    private final int last;

    private PortRange(int first, int last) {
        this.first = first;
        this.last = last;
    }

    /** One port; 0 asks the OS for a free one. */
    public static PortRange single(int port) {
        return of(port, port);
    }

    /** Ports {@code first..last} inclusive; {@link IllegalArgumentException} when not {@code 1 <= first <= last}. */
    public static PortRange of(int first, int last) {
        if (first == 0 && last == 0) {
            return new PortRange(0, 0);
        }
        if (first < 1 || last > MAX_PORT || first > last) {
            throw new IllegalArgumentException("not a port range");
        }
        return new PortRange(first, last);
    }

    /** {@code 9404}, {@code 0} or {@code 9404-9420}. */
    static PortRange parse(String text) {
        Matcher m = RANGE.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a port or port range");
        }
        int first = Integer.parseInt(m.group(1));
        int last = m.group(2) == null ? first : Integer.parseInt(m.group(2));
        return of(first, last);
    }

    public int first() {
        return first;
    }

    public int last() {
        return last;
    }

    /** More than one port to try. */
    public boolean isRange() {
        return last > first;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PortRange && ((PortRange) o).first == first && ((PortRange) o).last == last;
    }

    @Override
    public int hashCode() {
        return first * 65537 + last;
    }

    @Override
    public String toString() {
        return isRange() ? first + "-" + last : Integer.toString(first);
    }
}
