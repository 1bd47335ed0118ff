package io.synod.transport;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

/** Throwaway certificate authorities and node certificates (EC P-256), issued in-process at test time. */
final class TestPki {
    private static final char[] PASSWORD = "test-only".toCharArray();
    private static final AtomicLong SERIALS = new AtomicLong(1);

    /** A key pair and its certificate chain, leaf first. */
    record Identity(KeyPair keys, X509Certificate[] chain) {
        X509Certificate certificate() {
            return chain[0];
        }
    }

    private TestPki() {
    }

    static Identity authority(String name) throws Exception {
        KeyPair keys = keyPair();
        X509v3CertificateBuilder b = builder(name, name, keys);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        return new Identity(keys, new X509Certificate[] {sign(b, keys)});
    }

    /** A certificate for {@code name} (CN and DNS SAN), signed by {@code issuer}; or self-signed if issuer is null. */
    static Identity node(String name, Identity issuer) throws Exception {
        KeyPair keys = keyPair();
        KeyPair signer = issuer == null ? keys : issuer.keys();
        String issuerName = issuer == null ? name : issuer.certificate().getSubjectX500Principal().getName();
        X509v3CertificateBuilder b = builder(issuerName, name, keys);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        b.addExtension(Extension.extendedKeyUsage, false,
                new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, name)));
        X509Certificate leaf = sign(b, signer);
        X509Certificate[] chain = issuer == null ? new X509Certificate[] {leaf} : new X509Certificate[] {leaf, issuer.certificate()};
        return new Identity(keys, chain);
    }

    /** TLS options presenting {@code identity} (none if null) and trusting {@code trusted}. */
    static TlsOptions tls(Identity identity, Identity trusted) throws Exception {
        KeyStore keyStore = emptyStore();
        if (identity != null) {
            keyStore.setKeyEntry("node", identity.keys().getPrivate(), PASSWORD, identity.chain());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore, PASSWORD);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trustStore(trusted));
        return TlsOptions.of(kmf, tmf);
    }

    /** The same, through PKCS#12 files in {@code dir}, as an operator would configure it. */
    static TlsOptions tlsFromFiles(Identity identity, Identity trusted, Path dir) throws Exception {
        KeyStore keyStore = emptyStore();
        keyStore.setKeyEntry("node", identity.keys().getPrivate(), PASSWORD, identity.chain());
        Path keyFile = dir.resolve("node.p12");
        Path trustFile = dir.resolve("trust.p12");
        try (OutputStream out = Files.newOutputStream(keyFile)) {
            keyStore.store(out, PASSWORD);
        }
        try (OutputStream out = Files.newOutputStream(trustFile)) {
            trustStore(trusted).store(out, PASSWORD);
        }
        return TlsOptions.fromPkcs12(keyFile, PASSWORD, trustFile, PASSWORD);
    }

    private static KeyStore trustStore(Identity trusted) throws Exception {
        KeyStore store = emptyStore();
        store.setCertificateEntry("ca", trusted.certificate());
        return store;
    }

    private static KeyStore emptyStore() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        return store;
    }

    private static KeyPair keyPair() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        return generator.generateKeyPair();
    }

    private static X509v3CertificateBuilder builder(String issuer, String subject, KeyPair keys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(name(issuer), BigInteger.valueOf(SERIALS.getAndIncrement()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), name(subject),
                keys.getPublic());
    }

    private static X500Name name(String name) {
        return new X500Name(name.contains("=") ? name : "CN=" + name);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    }
}
