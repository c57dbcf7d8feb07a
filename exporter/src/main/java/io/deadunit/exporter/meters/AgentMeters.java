package io.deadunit.exporter.meters;

import io.deadunit.exporter.health.AgentHealth;
import io.deadunit.exporter.health.AgentThreads;
import io.deadunit.exporter.monitor.MonitorRegistry;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/** The agent's own meters: its overhead on training threads and the errors it swallowed. */
public final class AgentMeters implements MeterBinder {
    private final AgentHealth health;
    private final MonitorRegistry monitors;

    public AgentMeters(AgentHealth health, MonitorRegistry monitors) {
        this.health = health;
        this.monitors = monitors;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder("deadunit.agent.overhead", health, AgentHealth::overheadSeconds)
                .baseUnit("seconds")
                .description("Time spent in the agent's code on training threads")
                .register(registry);
        FunctionCounter.builder("deadunit.agent.observed.calls", health, AgentHealth::observedCalls)
                .description("Hooked calls on training threads that did more than the fast-path check (sampled "
                        + "iterations, window closes, registrations); the rest cost two volatile reads each")
                .register(registry);
        FunctionCounter.builder("deadunit.agent.cpu", AgentThreads.class, t -> AgentThreads.cpuSeconds())
                .baseUnit("seconds")
                .description("CPU time of the agent's own threads (start-up, publishing, endpoint requests)")
                .register(registry);
        FunctionCounter.builder("deadunit.agent.errors", health, AgentHealth::errors)
                .description("Failures inside the agent, swallowed so that training carries on")
                .register(registry);
        FunctionCounter.builder("deadunit.agent.unmonitored.layers", monitors, MonitorRegistry::unmonitoredLayers)
                .description("Layers seen beyond maxLayers, left unmonitored so that meters stay bounded")
                .register(registry);
        FunctionCounter.builder("deadunit.agent.low.heap.skips", health, AgentHealth::lowHeapSkips)
                .description("Agent buffers not allocated because the heap was nearly full (a layer's weight copy)")
                .register(registry);
    }
}
