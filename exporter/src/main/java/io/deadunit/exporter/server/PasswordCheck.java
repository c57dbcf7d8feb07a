package io.deadunit.exporter.server;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * HTTP basic auth against one user. Credentials are decoded as UTF-8 (RFC 7617 {@code charset="UTF-8"}, which the
 * challenge announces); the JDK's {@code BasicAuthenticator} uses the platform charset on Java 11, so a non-ASCII
 * password failed on some machines and not others. Only digests are kept and compared in constant time, so
 * neither the password nor its length leaks through timing.
 */
final class PasswordCheck extends Authenticator {
    static final String REALM = "deadunit";
    static final String CHALLENGE = "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"";

    private final String user;
    private final byte[] userDigest;
    private final byte[] passwordDigest;

    PasswordCheck(String user, char[] password) {
        this.user = user;
        this.userDigest = sha256(CharBuffer.wrap(user));
        this.passwordDigest = sha256(CharBuffer.wrap(password));
    }

    @Override
    public Result authenticate(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6) && check(header.substring(6).strip())) {
            return new Success(new HttpPrincipal(user, REALM));
        }
        exchange.getResponseHeaders().set("WWW-Authenticate", CHALLENGE);
        return new Retry(401);
    }

    /** @param encoded the base64 part of an {@code Authorization: Basic} header */
    boolean check(String encoded) {
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = indexOf(decoded, (byte) ':');
        if (colon < 0) {
            Arrays.fill(decoded, (byte) 0);
            return false;
        }
        // Digests of the UTF-8 bytes as sent: the same bytes our digests were made from, without a String copy of
        // the password lingering on the heap.
        boolean userOk = MessageDigest.isEqual(userDigest, sha256(ByteBuffer.wrap(decoded, 0, colon)));
        boolean passwordOk = MessageDigest.isEqual(passwordDigest,
                sha256(ByteBuffer.wrap(decoded, colon + 1, decoded.length - colon - 1)));
        Arrays.fill(decoded, (byte) 0);
        return userOk & passwordOk;
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] sha256(CharBuffer text) {
        ByteBuffer bytes = StandardCharsets.UTF_8.encode(text);
        byte[] digest = sha256(bytes);
        if (bytes.hasArray()) {
            Arrays.fill(bytes.array(), (byte) 0);
        }
        return digest;
    }

    private static byte[] sha256(ByteBuffer bytes) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(bytes);
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
