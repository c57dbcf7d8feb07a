package io.deadunit.exporter.jmx;

import io.deadunit.exporter.config.ConfigKey;

import java.util.Map;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.StandardMBean;

/**
 * The control MBean with a description for every attribute and operation, so JConsole explains each one, and the
 * impact of each operation (only {@code resetWindows} changes anything). Wrapping in {@link StandardMBean} also
 * frees the implementation from the {@code XMBean}/{@code X} naming rule.
 */
final class DescribedAgentMBean extends StandardMBean {
    private static final Map<String, String> DESCRIPTIONS = Map.ofEntries(
            Map.entry("Monitoring", "Read tensors (true) or not (false); switchable while training runs"),
            Map.entry("SampleEvery", writable(ConfigKey.SAMPLE_EVERY)),
            Map.entry("Window", writable(ConfigKey.WINDOW)),
            Map.entry("Phases", "Phases observed: train, inference or train+inference"),
            Map.entry("Host", "Address the HTTP endpoint binds to"),
            Map.entry("Port", "Port the HTTP endpoint listens on (the configured one when it does not serve)"),
            Map.entry("MetricsUrl", "URL Prometheus scrapes; empty when the endpoint does not serve"),
            Map.entry("Model", "Configured model label; empty when models are named by kind and order"),
            Map.entry("MaxLayers", "Most layers given their own meters"),
            Map.entry("BasicAuth", "The HTTP endpoint asks for a user and password"),
            Map.entry("Tls", "The HTTP endpoint serves HTTPS"),
            Map.entry("MonitoredModels", "model label values of the models monitored now"),
            Map.entry("resetWindows", "Drop every layer's open window; a full new one starts at the next iteration"),
            Map.entry("summary", "Per-layer counts of dead, dormant and saturated units in the last window"),
            Map.entry("deadUnitsJson", "Indices of dead, dormant and saturated units and firing rates, as JSON"));

    // The key's own words and range, so that JConsole and the command line never disagree.
    private static String writable(ConfigKey<?> key) {
        return Character.toUpperCase(key.doc().charAt(0)) + key.doc().substring(1) + ": " + key.expected()
                + "; writable";
    }

    DescribedAgentMBean(DeadunitAgentMBean control) {
        super(control, DeadunitAgentMBean.class, false);
    }

    @Override
    protected String getDescription(MBeanInfo info) {
        return "deadunit agent: configuration, run-time control and reports (docs/jmx.md)";
    }

    @Override
    protected String getDescription(MBeanAttributeInfo info) {
        return DESCRIPTIONS.getOrDefault(info.getName(), info.getDescription());
    }

    @Override
    protected String getDescription(MBeanOperationInfo info) {
        return DESCRIPTIONS.getOrDefault(info.getName(), info.getDescription());
    }

    @Override
    protected int getImpact(MBeanOperationInfo info) {
        return "resetWindows".equals(info.getName()) ? MBeanOperationInfo.ACTION : MBeanOperationInfo.INFO;
    }
}
