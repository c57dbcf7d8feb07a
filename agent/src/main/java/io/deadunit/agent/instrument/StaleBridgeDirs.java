package io.deadunit.agent.instrument;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes the bridge directories ({@code deadunit-<pid>-*}, see {@link BridgeInjector#privateJar}) of processes
 * that no longer exist: a JVM killed with {@code kill -9} never runs its delete-on-exit. Only directories of the
 * current user, holding nothing but the bridge jar, are touched; links are not followed.
 */
public final class StaleBridgeDirs {
    static final Pattern NAME = Pattern.compile("deadunit-(\\d+)-[^/]*");

    private StaleBridgeDirs() {
    }

    /** Removes the stale directories in {@code tempDir}; returns how many. Never throws. */
    public static int remove(Path tempDir) {
        int removed = 0;
        String user = System.getProperty("user.name");
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tempDir, "deadunit-*")) {
            for (Path dir : dirs) {
                if (stale(dir, user) && delete(dir)) {
                    removed++;
                }
            }
        } catch (IOException | RuntimeException e) {
            // best effort: a directory left behind costs a few kilobytes
        }
        return removed;
    }

    private static boolean stale(Path dir, String user) throws IOException {
        Matcher name = NAME.matcher(dir.getFileName().toString());
        if (!name.matches() || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        Optional<ProcessHandle> process;
        try {
            process = ProcessHandle.of(Long.parseLong(name.group(1)));
        } catch (NumberFormatException e) {
            return false;
        }
        return process.isEmpty() && Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName().equals(user);
    }

    /** Deletes the bridge jar and the directory; nothing when the directory holds anything else. */
    private static boolean delete(Path dir) {
        try {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path entry : entries) {
                    if (!entry.getFileName().toString().equals(BridgeInjector.JAR_NAME)
                            || !Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
                        return false;
                    }
                }
            }
            Files.deleteIfExists(dir.resolve(BridgeInjector.JAR_NAME));
            Files.delete(dir);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
