package io.deadunit.agent.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A directory that a forked JVM cannot write, for real: {@code chmod 0555} when permissions hold for this user;
 * for root, who ignores them, a read-only bind mount of the directory in the forked command's own mount namespace
 * ({@code unshare -m}: nothing changes outside that process). {@link #wrapper()} is the command to run the JVM with.
 */
final class ReadOnlyDir implements AutoCloseable {
    private static final String MOUNT_READ_ONLY =
            "mount --bind \"$0\" \"$0\" && mount -o remount,bind,ro \"$0\" && exec \"$@\"";

    private final Path dir;
    private final List<String> wrapper;

    private ReadOnlyDir(Path dir, List<String> wrapper) {
        this.dir = dir;
        this.wrapper = wrapper;
    }

    static ReadOnlyDir of(Path dir) {
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
            Path probe = dir.resolve("probe");
            try {
                Files.createFile(probe);
            } catch (AccessDeniedException e) {
                return new ReadOnlyDir(dir, List.of());
            }
            // Permissions do not bind this user (root): a read-only mount does.
            Files.delete(probe);
            List<String> wrapper = List.of("unshare", "-m", "sh", "-c", MOUNT_READ_ONLY, dir.toString());
            requireReadOnly(dir, wrapper);
            return new ReadOnlyDir(dir, wrapper);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code touch DIR/probe} under the wrapper: it must fail with EROFS, or the fault is not staged. */
    private static void requireReadOnly(Path dir, List<String> wrapper) throws IOException {
        List<String> touch = new java.util.ArrayList<>(wrapper);
        touch.addAll(List.of("touch", dir.resolve("probe").toString()));
        Process p = new ProcessBuilder(touch).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + touch);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() == 0 || !out.contains("Read-only file system") || Files.exists(dir.resolve("probe"))) {
            throw new AssertionError("cannot make " + dir + " read-only for a forked JVM: chmod 0555 does not bind"
                    + " this user and a read-only bind mount failed (" + String.join(" ", touch) + ": exit "
                    + p.exitValue() + ", " + out.strip() + ")");
        }
    }

    List<String> wrapper() {
        return wrapper;
    }

    /** Writable again, so that the build can clean it. */
    @Override
    public void close() {
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
