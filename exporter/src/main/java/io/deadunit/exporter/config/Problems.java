package io.deadunit.exporter.config;

import java.util.ArrayList;
import java.util.List;

/** Collects what was wrong with the settings, each as a short phrase that names the key as the user wrote it. */
final class Problems {
    private final List<String> messages = new ArrayList<>();
    private boolean unknownKey;

    void unknownKey(String origin) {
        unknownKey = true;
        messages.add("unknown key " + Values.shown(origin));
    }

    /** The value is deliberately not echoed: it may be the password itself. */
    void passwordOnCommandLine(String origin, ConfigKey<?> fileKey) {
        messages.add(Values.shown(origin) + " is not accepted because command lines are visible in ps; put the "
                + "password in a file and pass " + fileKey.key() + "=<path>");
    }

    void badValue(RawSetting setting, ConfigKey<?> key) {
        badValue(setting, key, null);
    }

    /** @param detail what exactly is wrong (a {@link BadValue}'s message), or null */
    void badValue(RawSetting setting, ConfigKey<?> key, String detail) {
        String what = setting.value().isEmpty()
                ? Values.shown(setting.origin()) + " is empty"
                : Values.shown(setting.origin()) + "=" + Values.shown(setting.value());
        messages.add(what + (detail == null ? "" : " (" + detail + ")") + ": expected " + key.expected());
    }

    void notKeyValue(String token) {
        messages.add("'" + Values.shown(token) + "' is not key=value");
    }

    void other(String message) {
        messages.add(message);
    }

    List<String> messages() {
        return List.copyOf(messages);
    }

    boolean sawUnknownKey() {
        return unknownKey;
    }
}
