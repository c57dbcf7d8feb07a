package io.deadunit.exporter.push;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The OTLP resource attributes of this process, from its identity: {@code service.name} ({@code deadunit}, or the
 * {@code service_name} label when {@code labels=} gives one: a label name cannot hold a dot), {@code host.name} and
 * {@code process.pid} (OpenTelemetry's semantic conventions), then every identity label as it is. The same labels
 * are also on every data point, as on every Prometheus series.
 */
public final class OtlpResource {
    public static final String DEFAULT_SERVICE_NAME = "deadunit";
    /** The label that sets {@code service.name}. */
    public static final String SERVICE_NAME_LABEL = "service_name";

    private OtlpResource() {
    }

    public static Map<String, String> of(Map<String, String> labels) {
        Map<String, String> resource = new LinkedHashMap<>();
        resource.put("service.name", labels.getOrDefault(SERVICE_NAME_LABEL, DEFAULT_SERVICE_NAME));
        resource.put("host.name", hostName());
        resource.put("process.pid", Long.toString(ProcessHandle.current().pid()));
        labels.forEach(resource::putIfAbsent);
        return resource;
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
