package io.synod.transport;

import io.netty.channel.Channel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;

/**
 * Builds the server and client TLS contexts from {@link TlsOptions}: the JDK provider, TLS 1.3 or
 * 1.2, client certificates required. Host names are not verified: members are often named by IP
 * address, and what matters is which node a certificate names (see {@link CertificateIdentity}).
 * Stateless and thread-safe.
 */
final class TlsContexts {
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private TlsContexts() {
    }

    static SslContext server(TlsOptions tls) {
        try {
            return SslContextBuilder.forServer(tls.keyManagers()).trustManager(tls.trustManagers())
                    .clientAuth(ClientAuth.REQUIRE).sslProvider(SslProvider.JDK).protocols(PROTOCOLS).build();
        } catch (SSLException e) {
            throw new IllegalArgumentException("cannot build the TLS server context from the tls options: " + e.getMessage(), e);
        }
    }

    static SslContext client(TlsOptions tls) {
        try {
            return SslContextBuilder.forClient().keyManager(tls.keyManagers()).trustManager(tls.trustManagers())
                    .sslProvider(SslProvider.JDK).protocols(PROTOCOLS).endpointIdentificationAlgorithm(null).build();
        } catch (SSLException e) {
            throw new IllegalArgumentException("cannot build the TLS client context from the tls options: " + e.getMessage(), e);
        }
    }

    static SslHandler handler(SslContext context, Channel channel, long handshakeTimeoutMillis) {
        SslHandler handler = context.newHandler(channel.alloc());
        handler.setHandshakeTimeout(handshakeTimeoutMillis, TimeUnit.MILLISECONDS);
        return handler;
    }

    /** The verified certificate of the peer on {@code channel}, or null without TLS. */
    static X509Certificate peerCertificate(Channel channel) throws SSLPeerUnverifiedException {
        SslHandler ssl = channel.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return null;
        }
        Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
            throw new SSLPeerUnverifiedException("peer presented no X.509 certificate");
        }
        return leaf;
    }
}
