package io.deadunit.exporter.jmx;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Puts the {@link DeadunitAgentMBean} on the platform MBean server and takes it off again. Registration is a
 * convenience, never a reason to stop training: a failure (another agent, or a second exporter in the JVM, holds
 * the name) is one line on the log, and the agent carries on without it.
 */
public final class AgentMBeanRegistration implements AutoCloseable {
    public static final String OBJECT_NAME = "io.deadunit:type=Agent";

    private final MBeanServer server;
    private final ObjectName name;
    private final AtomicBoolean closed = new AtomicBoolean();

    private AgentMBeanRegistration(MBeanServer server, ObjectName name) {
        this.server = server;
        this.name = name;
    }

    /** Registers {@code control}; empty, after one line on {@code log}, when that is not possible. */
    public static Optional<AgentMBeanRegistration> register(DeadunitAgentMBean control, PrintStream log) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName(OBJECT_NAME);
            server.registerMBean(new DescribedAgentMBean(control), name);
            return Optional.of(new AgentMBeanRegistration(server, name));
        } catch (Throwable t) {
            log.println("deadunit: cannot register the JMX control MBean " + OBJECT_NAME + " (" + t
                    + "); metrics are unaffected.");
            return Optional.empty();
        }
    }

    /** Unregisters the MBean this registration put there, and nothing else. Idempotent. */
    @Override
    public void close() {
        // Once only: by a second call the name may belong to someone else's MBean.
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            server.unregisterMBean(name);
        } catch (Exception e) {
            // Already unregistered by someone else: nothing left to do.
        }
    }
}
