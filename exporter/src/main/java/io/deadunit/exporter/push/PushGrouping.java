package io.deadunit.exporter.push;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Pushgateway grouping key after {@code job=deadunit}: the process' identity ({@code labels=}) when given,
 * otherwise {@code host} (this machine's name) and {@code pid}, so that two processes never replace each other's
 * group.
 */
public final class PushGrouping {
    private PushGrouping() {
    }

    public static Map<String, String> of(Map<String, String> labels) {
        if (!labels.isEmpty()) {
            return labels;
        }
        Map<String, String> grouping = new LinkedHashMap<>();
        grouping.put("host", hostName());
        grouping.put("pid", Long.toString(ProcessHandle.current().pid()));
        return grouping;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
