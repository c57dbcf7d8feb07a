package io.deadunit.exporter.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Reads a password from a file: command lines are visible in {@code ps}, files can be made private. */
public final class Secrets {
    private static final int MAX_BYTES = 4096;

    private Secrets() {
    }

    /**
     * The file's UTF-8 content without its trailing line break(s); other whitespace is part of the password.
     *
     * @param key the config key that named the file, for messages
     */
    public static char[] read(Path file, String key) throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot read " + key + " " + file + " (" + e.getClass().getSimpleName() + ").", e);
        }
        if (bytes.length > MAX_BYTES) {
            throw new IOException(key + " " + file + " is longer than " + MAX_BYTES + " bytes, which is not a password.");
        }
        CharBuffer decoded = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(bytes));
        Arrays.fill(bytes, (byte) 0);
        int end = decoded.limit();
        while (end > 0 && (decoded.get(end - 1) == '\n' || decoded.get(end - 1) == '\r')) {
            end--;
        }
        char[] secret = new char[end];
        decoded.get(secret);
        Arrays.fill(decoded.array(), '\0');
        if (secret.length == 0) {
            throw new IOException(key + " " + file + " is empty.");
        }
        return secret;
    }
}
