package io.deadunit.exporter.jmx;

/**
 * The agent's control panel in JConsole/VisualVM, registered as {@value AgentMBeanRegistration#OBJECT_NAME}:
 * its configuration, the settings that can change while training runs, and the reports. Reference:
 * {@code docs/jmx.md}.
 */
public interface DeadunitAgentMBean {
    /** False: no tensor is read until it is turned on again (iterations are still counted). */
    boolean isMonitoring();

    void setMonitoring(boolean monitoring);

    /** Observe every k-th training iteration. */
    int getSampleEvery();

    /** @throws IllegalArgumentException outside 1..1,000,000 */
    void setSampleEvery(int sampleEvery);

    /** Window length in training iterations. */
    int getWindow();

    /** @throws IllegalArgumentException outside 1..1,000,000 */
    void setWindow(int window);

    /** {@code train}, {@code inference} or {@code train+inference}, as configured. */
    String getPhases();

    String getHost();

    /** The port the endpoint listens on; the configured port when it does not serve. */
    int getPort();

    /** Where Prometheus scrapes, or an empty string when the endpoint does not serve. */
    String getMetricsUrl();

    /** The configured {@code model} label, or an empty string when models are named by kind and order. */
    String getModel();

    int getMaxLayers();

    boolean isBasicAuth();

    boolean isTls();

    /** Names ({@code model} label values) of the models monitored now. */
    String[] getMonitoredModels();

    /** Drops every layer's open window; each model starts a full new one at its next iteration. */
    void resetWindows();

    /** The per-layer summary printed at exit, for the windows so far. */
    String summary();

    /** The {@code /deadunits} JSON document: which units are dead, dormant, saturated. */
    String deadUnitsJson();
}
