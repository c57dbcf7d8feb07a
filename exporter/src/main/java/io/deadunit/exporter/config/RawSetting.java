package io.deadunit.exporter.config;

/** One {@code key=value} as found in a source, before its value is checked. */
final class RawSetting {
    enum Source { AGENT_ARGS, SYSTEM_PROPERTY, ENVIRONMENT }

    private final Source source;
    private final String name;
    private final String value;
    private final String origin;

    /**
     * @param name   the key as written, after any source prefix ({@code sampleEvery}, {@code SAMPLE_EVERY})
     * @param value  the value, trimmed
     * @param origin how the user wrote the key, for messages ({@code -Ddeadunit.sampleEvery})
     */
    RawSetting(Source source, String name, String value, String origin) {
        this.source = source;
        this.name = name;
        this.value = value;
        this.origin = origin;
    }

    Source source() {
        return source;
    }

    String name() {
        return name;
    }

    String value() {
        return value;
    }

    String origin() {
        return origin;
    }

    /** Used by the {@code phases=train,inference} continuation rule. */
    RawSetting withValueAppended(String more) {
        return new RawSetting(source, name, value + "," + more, origin);
    }
}
