package io.deadunit.exporter.report;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes compact JSON into any {@link Appendable} (a {@link StringBuilder}, or a writer streaming to a client),
 * putting commas and colons where they belong, and counts the characters written. Hand-written so
 * the agent bundles no JSON library that could clash with the application's. The caller nests calls correctly;
 * this class only keeps track of whether a separator is due.
 */
public final class JsonWriter {
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    /** Deepest nesting the reports use, with room to spare. */
    private static final int MAX_DEPTH = 16;

    private final Sink out;
    // Per nesting level: has a value been written at this level yet (then the next one needs a comma)?
    private final boolean[] written = new boolean[MAX_DEPTH];
    private int depth;
    private boolean afterName;

    public JsonWriter(Appendable out) {
        this.out = new Sink(out);
    }

    /** UTF-8 bytes written so far. */
    long written() {
        return out.bytes;
    }

    public JsonWriter beginObject() {
        return open('{');
    }

    public JsonWriter endObject() {
        return close('}');
    }

    public JsonWriter beginArray() {
        return open('[');
    }

    public JsonWriter endArray() {
        return close(']');
    }

    /** The name of the next member of the current object. */
    public JsonWriter name(String name) {
        separate();
        quote(name);
        out.append(':');
        afterName = true;
        return this;
    }

    public JsonWriter value(String value) {
        separate();
        if (value == null) {
            out.append("null");
        } else {
            quote(value);
        }
        return this;
    }

    JsonWriter value(long value) {
        separate();
        out.append(value);
        return this;
    }

    JsonWriter value(boolean value) {
        separate();
        out.append(value);
        return this;
    }

    /** A number already formatted as a JSON number by the caller (e.g. a rounded rate). */
    JsonWriter rawNumber(CharSequence number) {
        separate();
        out.append(number);
        return this;
    }

    JsonWriter array(int[] values) {
        beginArray();
        for (int v : values) {
            value(v);
        }
        return endArray();
    }

    private JsonWriter open(char bracket) {
        separate();
        out.append(bracket);
        written[++depth] = false;
        return this;
    }

    private JsonWriter close(char bracket) {
        out.append(bracket);
        depth--;
        return this;
    }

    private void separate() {
        if (afterName) {
            afterName = false;
            return;
        }
        if (written[depth]) {
            out.append(',');
        }
        written[depth] = true;
    }

    /**
     * A JSON string literal. Beyond quotes, backslashes and control characters, unpaired surrogates are escaped
     * too: as raw chars they would not survive UTF-8 encoding. U+2028/2029 are escaped so the text is also safe
     * to embed in JavaScript.
     */
    private void quote(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"':
                    out.append("\\\"");
                    break;
                case '\\':
                    out.append("\\\\");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                case '\r':
                    out.append("\\r");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                default:
                    if (c < 0x20 || c == '\u2028' || c == '\u2029' || c == 0x7f) {
                        unicodeEscape(c);
                    } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
                            && Character.isLowSurrogate(s.charAt(i + 1))) {
                        out.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        unicodeEscape(c);
                    } else {
                        out.append(c);
                    }
            }
        }
        out.append('"');
    }

    private void unicodeEscape(char c) {
        out.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf]).append(HEX[c >> 4 & 0xf])
                .append(HEX[c & 0xf]);
    }

    /** Appends and counts; an {@link IOException} of a streaming target (the client went away) goes unchecked. */
    private static final class Sink {
        private final Appendable target;
        private long bytes;

        Sink(Appendable target) {
            this.target = target;
        }

        Sink append(CharSequence s) {
            try {
                target.append(s);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (int i = 0; i < s.length(); i++) {
                bytes += utf8Bytes(s.charAt(i));
            }
            return this;
        }

        Sink append(CharSequence s, int start, int end) {
            return append(s.subSequence(start, end));
        }

        Sink append(char c) {
            try {
                target.append(c);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            bytes += utf8Bytes(c);
            return this;
        }

        /** A surrogate pair is 4 bytes, 2 per half. */
        private static int utf8Bytes(char c) {
            return c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
        }

        Sink append(long value) {
            return append(Long.toString(value));
        }

        Sink append(boolean value) {
            return append(value ? "true" : "false");
        }
    }
}
