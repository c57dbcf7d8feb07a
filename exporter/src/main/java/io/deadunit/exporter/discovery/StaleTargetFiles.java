package io.deadunit.exporter.discovery;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.UserPrincipal;
import java.util.Optional;
import java.util.function.LongPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes the discovery files that agents killed with {@code kill -9} left in {@code targetsDir} (nothing runs on
 * SIGKILL, so their files stay and Prometheus reports dead targets). A process id alone proves nothing in a
 * directory that several hosts or containers share, so each file carries its writer's origin in a hidden label,
 * {@code __deadunit_process="<boot id>:<pid namespace>:<pid>"} (Prometheus drops labels that start with {@code __}
 * after relabelling: no series carries it). A file is removed only when all of these hold:
 * <ul>
 * <li>its name is {@code deadunit-<pid>-<port>.json}, it is a regular file (a link is never followed) of at most
 * 64 KiB, owned by the user who owns this process' own file;</li>
 * <li>its origin label names this machine's current boot, this process' pid namespace, and the pid of its name;</li>
 * <li>no process with that pid exists ({@code ProcessHandle.of}).</li>
 * </ul>
 * Anything else (other hosts, other containers, files of older agents or written by hand, a pid that is alive,
 * possibly reused) is left alone. Without {@code /proc} (not Linux) there is no origin and nothing is removed.
 */
final class StaleTargetFiles {
    static final String ORIGIN_LABEL = "__deadunit_process";
    private static final Pattern NAME = Pattern.compile("deadunit-([0-9]{1,18})-[0-9]{1,5}\\.json");
    private static final Pattern ORIGIN = Pattern.compile("\"" + ORIGIN_LABEL + "\":\"([^\"\\\\]*)\"");
    private static final long MAX_BYTES = 64 * 1024;

    private StaleTargetFiles() {
    }

    /** This process' origin ({@code <boot id>:<pid namespace>:<pid>}), empty where it cannot be known. */
    static Optional<String> ownOrigin() {
        Optional<String> host = hostAndNamespace();
        return host.map(h -> h + ":" + ProcessHandle.current().pid());
    }

    /** {@code <boot id>:<pid namespace inode>} of this process, from /proc (Linux); empty elsewhere. */
    private static Optional<String> hostAndNamespace() {
        try {
            String boot = Files.readString(Paths.get("/proc/sys/kernel/random/boot_id")).trim();
            String ns = Files.readSymbolicLink(Paths.get("/proc/self/ns/pid")).toString(); // pid:[4026531836]
            String inode = ns.replaceAll("[^0-9]", "");
            if (!boot.matches("[0-9a-fA-F-]{8,64}") || inode.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(boot + ":" + inode);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Removes the stale files of dead processes in the directory of {@code own} (this process' file, just
     * written). Never throws: a file that cannot be read or removed stays.
     *
     * @return how many files were removed
     */
    static int removeDead(Path own) {
        return removeDead(own, ownOrigin(), pid -> ProcessHandle.of(pid).isEmpty());
    }

    /** As {@link #removeDead(Path)}, with this process' origin and the liveness test given (tests). */
    static int removeDead(Path own, Optional<String> origin, LongPredicate gone) {
        if (origin.isEmpty()) {
            return 0;
        }
        String hostAndNamespace = origin.get().substring(0, origin.get().lastIndexOf(':') + 1);
        int removed = 0;
        try {
            UserPrincipal owner = Files.getOwner(own, LinkOption.NOFOLLOW_LINKS);
            try (DirectoryStream<Path> files = Files.newDirectoryStream(own.getParent(), "deadunit-*.json")) {
                for (Path file : files) {
                    if (!file.getFileName().equals(own.getFileName())
                            && isStale(file, owner, hostAndNamespace, gone) && delete(file)) {
                        removed++;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // a directory that cannot be listed: the stale files stay, as they would without this
        }
        return removed;
    }

    /** One file that cannot be removed (another user's directory, a race) does not stop the others. */
    private static boolean delete(Path file) {
        try {
            return Files.deleteIfExists(file);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static boolean isStale(Path file, UserPrincipal owner, String hostAndNamespace, LongPredicate gone) {
        Matcher name = NAME.matcher(file.getFileName().toString());
        if (!name.matches()) {
            return false;
        }
        try {
            BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (!attrs.isRegularFile() || attrs.size() > MAX_BYTES
                    || !owner.equals(Files.getOwner(file, LinkOption.NOFOLLOW_LINKS))) {
                return false;
            }
            long pid = Long.parseLong(name.group(1));
            Matcher origin = ORIGIN.matcher(read(file));
            if (!origin.find() || !origin.group(1).equals(hostAndNamespace + pid)
                    || pid == ProcessHandle.current().pid()) {
                return false;
            }
            return gone.test(pid);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** At most MAX_BYTES, never through a link. */
    private static String read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            return new String(in.readNBytes((int) MAX_BYTES), StandardCharsets.UTF_8);
        }
    }
}
