package io.deadunit.exporter.discovery;

import io.deadunit.exporter.report.JsonWriter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * This process' Prometheus file-based service discovery file ({@code targetsDir=DIR}):
 * {@code [{"targets":["host:port"],"labels":{...}}]} in {@code DIR/deadunit-<pid>-<port>.json}. Written to a
 * temporary file in the same directory and renamed over the final name, so Prometheus (which watches the directory)
 * never reads half a file; the temporary name ends in {@code .tmp} so a {@code *.json} pattern skips it. Deleted
 * at exit. The labels carry the writer's origin in a hidden label ({@link #ORIGIN_LABEL}), so that an agent starting
 * later can tell the files of this host's dead processes from all others and remove them ({@link StaleTargetFiles}:
 * a process killed with {@code kill -9} cannot remove its own).
 */
public final class TargetFile implements AutoCloseable {
    /** Writes bytes to a file; the default is {@link Files#write}, tests inject one that fails half-way. */
    interface Writer {
        void write(Path file, byte[] bytes) throws IOException;
    }

    /** Hidden label naming the writer ({@code <boot id>:<pid namespace>:<pid>}); Prometheus drops it. */
    public static final String ORIGIN_LABEL = StaleTargetFiles.ORIGIN_LABEL;

    private final Path file;
    private final AtomicBoolean removed = new AtomicBoolean();

    private TargetFile(Path file) {
        this.file = file;
    }

    /**
     * Writes the file for {@code target} ({@code host:port}) with {@code labels}.
     *
     * @throws IOException when the directory cannot be written (the caller reports it once)
     */
    public static TargetFile write(Path dir, String target, int port, Map<String, String> labels)
            throws IOException {
        return write(dir, target, port, labels, Files::write);
    }

    /**
     * As {@link #write(Path, String, int, Map)}; a failure at any point (directory read-only, disk full half-way
     * through) leaves neither the temporary file nor a partial final file behind. Once this process' file is in
     * place, the files that dead processes of this host left in the directory are removed.
     */
    static TargetFile write(Path dir, String target, int port, Map<String, String> labels, Writer writer)
            throws IOException {
        String name = "deadunit-" + ProcessHandle.current().pid() + "-" + port;
        Path file = dir.resolve(name + ".json");
        Path temp = Files.createTempFile(dir, "." + name + "-", ".tmp");
        try {
            writer.write(temp, json(target, withOrigin(labels)).getBytes(StandardCharsets.UTF_8));
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        StaleTargetFiles.removeDead(file);
        return new TargetFile(file);
    }

    /** This process' origin, the value of {@link #ORIGIN_LABEL}; empty where it cannot be known (not Linux). */
    public static Optional<String> origin() {
        return StaleTargetFiles.ownOrigin();
    }

    private static Map<String, String> withOrigin(Map<String, String> labels) {
        Optional<String> origin = origin();
        if (origin.isEmpty()) {
            return labels;
        }
        Map<String, String> all = new LinkedHashMap<>(labels);
        all.put(ORIGIN_LABEL, origin.get());
        return all;
    }

    /** The JSON Prometheus reads: one target group. */
    static String json(String target, Map<String, String> labels) {
        StringBuilder sb = new StringBuilder();
        JsonWriter json = new JsonWriter(sb).beginArray().beginObject().name("targets").beginArray().value(target)
                .endArray().name("labels").beginObject();
        labels.forEach((name, value) -> json.name(name).value(value));
        json.endObject().endObject().endArray();
        return sb.append('\n').toString();
    }

    public Path path() {
        return file;
    }

    /** Deletes the file (once); a failure is ignored: the JVM is exiting, and a stale target only fails scrapes. */
    @Override
    public void close() {
        if (removed.compareAndSet(false, true)) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException | RuntimeException e) {
                // nothing useful left to do
            }
        }
    }
}
