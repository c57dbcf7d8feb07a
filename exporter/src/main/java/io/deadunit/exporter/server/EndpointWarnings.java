package io.deadunit.exporter.server;

import io.deadunit.exporter.config.AgentConfig;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What an operator should hear once when the endpoint starts: it is reachable from other machines with neither
 * TLS nor basic auth, or a password file can be read by other users. Each is one {@code deadunit:} line; the
 * endpoint serves anyway (the user may have reasons: a private network, a container).
 */
final class EndpointWarnings {
    private EndpointWarnings() {
    }

    static List<String> of(AgentConfig config) {
        List<String> lines = new ArrayList<>();
        if (!config.tls() && !config.basicAuth() && !loopback(config.host())) {
            lines.add("deadunit: the metrics endpoint listens on " + config.host() + ", reachable from other "
                    + "machines, with neither TLS nor basic auth: anyone who reaches it reads the metrics and "
                    + MetricsEndpoint.DEADUNITS_PATH + "; set user/passwordFile and keystore/keystorePasswordFile, "
                    + "or host=127.0.0.1.");
        }
        readableByOthers(config.passwordFile()).ifPresent(p -> lines.add(line("passwordFile", p)));
        readableByOthers(config.keystorePasswordFile()).ifPresent(p -> lines.add(line("keystorePasswordFile", p)));
        return lines;
    }

    private static String line(String key, Path file) {
        return "deadunit: " + key + " " + file + " can be read by other users (group or others); make it private "
                + "(chmod 600).";
    }

    /** Unresolvable or unknown counts as not loopback: the warning errs on the side of speaking. */
    static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The file, when POSIX permissions say group or others may read it; empty elsewhere (e.g. Windows ACLs). */
    static Optional<Path> readableByOthers(Optional<Path> file) {
        if (file.isEmpty()) {
            return Optional.empty();
        }
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file.get());
            return permissions.contains(PosixFilePermission.GROUP_READ)
                    || permissions.contains(PosixFilePermission.OTHERS_READ) ? file : Optional.empty();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return Optional.empty();
        }
    }
}
