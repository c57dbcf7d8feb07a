package io.deadunit.exporter.server;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Arrays;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * Builds the endpoint's TLS context from a keystore whose key uses the keystore's password; the
 * {@link SocketServer} pins the protocols to TLS 1.3 and 1.2.
 */
final class TlsConfigurator {
    private TlsConfigurator() {
    }

    /** {@code KeyStore.getInstance(File, char[])} detects PKCS12 and JKS by content, whatever the file name. */
    static SSLContext create(Path keystore, Path passwordFile) throws IOException {
        char[] password = Secrets.read(passwordFile, "keystorePasswordFile");
        try {
            KeyStore store = KeyStore.getInstance(keystore.toFile(), password);
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IOException("cannot load keystore " + keystore + " (" + e.getMessage()
                    + "); check the keystore= and keystorePasswordFile= keys.", e);
        } finally {
            Arrays.fill(password, '\0');
        }
    }
}
