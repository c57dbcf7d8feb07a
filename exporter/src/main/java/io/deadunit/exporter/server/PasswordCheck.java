package io.deadunit.exporter.server;

import com.sun.net.httpserver.BasicAuthenticator;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * HTTP basic auth against one user. Only digests are kept and compared in constant time, so neither the
 * password nor its length leaks through timing.
 */
final class PasswordCheck extends BasicAuthenticator {
    static final String REALM = "deadunit";

    private final byte[] userDigest;
    private final byte[] passwordDigest;

    PasswordCheck(String user, char[] password) {
        super(REALM);
        this.userDigest = sha256(user.toCharArray());
        this.passwordDigest = sha256(password);
    }

    @Override
    public boolean checkCredentials(String user, String password) {
        boolean userOk = MessageDigest.isEqual(userDigest, sha256(user.toCharArray()));
        boolean passwordOk = MessageDigest.isEqual(passwordDigest, sha256(password.toCharArray()));
        return userOk & passwordOk;
    }

    private static byte[] sha256(char[] text) {
        ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(text));
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(bytes);
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
