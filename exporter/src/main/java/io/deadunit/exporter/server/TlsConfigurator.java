package io.deadunit.exporter.server;

import com.sun.net.httpserver.HttpsConfigurator;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Arrays;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** Builds the endpoint's TLS setup from a keystore whose key uses the keystore's password. */
final class TlsConfigurator {
    private TlsConfigurator() {
    }

    /** {@code KeyStore.getInstance(File, char[])} detects PKCS12 and JKS by content, whatever the file name. */
    static HttpsConfigurator create(Path keystore, Path passwordFile) throws IOException {
        char[] password = Secrets.read(passwordFile, "keystorePasswordFile");
        try {
            KeyStore store = KeyStore.getInstance(keystore.toFile(), password);
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return new HttpsConfigurator(context);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IOException("cannot load keystore " + keystore + " (" + e.getMessage()
                    + "); check the keystore= and keystorePasswordFile= keys.", e);
        } finally {
            Arrays.fill(password, '\0');
        }
    }
}
