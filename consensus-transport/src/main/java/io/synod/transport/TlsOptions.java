package io.synod.transport;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Objects;

/**
 * Mutual TLS settings: this node's key and certificate, and the CA(s) whose signature a peer's
 * certificate must carry. Both sides of every connection present a certificate; a peer is accepted
 * only if its certificate chains to a trusted CA and names the node id it claims, as a subject CN
 * or a DNS subject alternative name of the form {@code node-<id>}. Uses the JDK's TLS provider.
 *
 * <p>Immutable and thread-safe.
 */
public final class TlsOptions {
    private final KeyManagerFactory keyManagers;
    private final TrustManagerFactory trustManagers;

    private TlsOptions(KeyManagerFactory keyManagers, TrustManagerFactory trustManagers) {
        this.keyManagers = Objects.requireNonNull(keyManagers, "keyManagers");
        this.trustManagers = Objects.requireNonNull(trustManagers, "trustManagers");
    }

    /** From initialized factories: {@code keyManagers} holds this node's key, {@code trustManagers} the CA. */
    public static TlsOptions of(KeyManagerFactory keyManagers, TrustManagerFactory trustManagers) {
        return new TlsOptions(keyManagers, trustManagers);
    }

    /**
     * From two PKCS#12 files: {@code keyStore} with this node's private key and certificate chain,
     * {@code trustStore} with the trusted CA certificate(s).
     */
    public static TlsOptions fromPkcs12(Path keyStore, char[] keyStorePassword, Path trustStore, char[] trustStorePassword)
            throws IOException, GeneralSecurityException {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(load(keyStore, keyStorePassword), keyStorePassword);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load(trustStore, trustStorePassword));
        return new TlsOptions(kmf, tmf);
    }

    private static KeyStore load(Path file, char[] password) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password);
        }
        return store;
    }

    KeyManagerFactory keyManagers() {
        return keyManagers;
    }

    TrustManagerFactory trustManagers() {
        return trustManagers;
    }
}
