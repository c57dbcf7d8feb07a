package io.deadunit.exporter.config;

/**
 * A bad value whose message says what exactly is wrong and is safe to show (it never holds a secret): the parser
 * appends it to its usual "expected ..." phrase. Other parse failures show only the expected form.
 */
final class BadValue extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    BadValue(String message) {
        super(message);
    }
}
