package io.deadunit.exporter.discovery;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The host written into the discovery file: what Prometheus should connect to. {@code targetHost} when set;
 * otherwise {@code host} itself, unless that is a wildcard address ({@code 0.0.0.0}, {@code ::}), which nobody can
 * connect to: then the first site-local (private) IPv4 address of an interface that is up, else any non-loopback
 * IPv4 address, else this machine's canonical host name, else {@code 127.0.0.1}. Interfaces are taken in index
 * order so that the choice is stable across restarts.
 */
public final class TargetHost {
    private TargetHost() {
    }

    public static String choose(String host, Optional<String> targetHost) {
        if (targetHost.isPresent()) {
            return targetHost.get();
        }
        if (!isWildcard(host)) {
            return host;
        }
        return reachableAddress().orElse("127.0.0.1");
    }

    static boolean isWildcard(String host) {
        try {
            return host.equals("0.0.0.0") || host.equals("::") || InetAddress.getByName(
                    host.indexOf(':') >= 0 ? "[" + host + "]" : host).isAnyLocalAddress();
        } catch (Exception e) {
            return false;
        }
    }

    private static Optional<String> reachableAddress() {
        List<InetAddress> candidates = new ArrayList<>();
        try {
            List<NetworkInterface> interfaces = Collections.list(NetworkInterface.getNetworkInterfaces());
            interfaces.sort((a, b) -> Integer.compare(a.getIndex(), b.getIndex()));
            for (NetworkInterface ni : interfaces) {
                if (ni.isUp() && !ni.isLoopback()) {
                    candidates.addAll(Collections.list(ni.getInetAddresses()));
                }
            }
        } catch (SocketException | RuntimeException e) {
            // fall through to the host name
        }
        for (InetAddress a : candidates) {
            if (a instanceof Inet4Address && a.isSiteLocalAddress()) {
                return Optional.of(a.getHostAddress());
            }
        }
        for (InetAddress a : candidates) {
            if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                return Optional.of(a.getHostAddress());
            }
        }
        try {
            InetAddress local = InetAddress.getLocalHost();
            if (!local.isLoopbackAddress()) {
                return Optional.of(local.getCanonicalHostName());
            }
        } catch (Exception e) {
            // no name either
        }
        return Optional.empty();
    }

    /** {@code host:port}, with brackets around an IPv6 literal. */
    public static String hostPort(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
