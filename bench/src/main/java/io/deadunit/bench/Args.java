package io.deadunit.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** {@code --key value} and bare {@code --flag} arguments. */
final class Args {
    static Map<String, String> parse(String[] args) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        List<String> list = new ArrayList<>(Arrays.asList(args));
        for (int k = 0; k < list.size(); k++) {
            String a = list.get(k);
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + a);
            }
            String key = a.substring(2);
            int eq = key.indexOf('=');
            if (eq >= 0) {
                out.put(key.substring(0, eq), key.substring(eq + 1));
            } else if (k + 1 < list.size() && !list.get(k + 1).startsWith("--")) {
                out.put(key, list.get(++k));
            } else {
                out.put(key, "true");
            }
        }
        return out;
    }
}
