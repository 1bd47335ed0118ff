package io.synod.transport;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;

/**
 * Which node a certificate speaks for: node {@code id} is named {@code node-<id>}, either as a DNS
 * subject alternative name or as the subject's common name. TLS proves the peer holds the key of a
 * certificate signed by the cluster's CA; this check binds that certificate to the node id the
 * peer claims, so one node's key cannot be used to impersonate another. Stateless and thread-safe.
 */
final class CertificateIdentity {
    private static final int SAN_DNS_NAME = 2;

    private CertificateIdentity() {
    }

    static String nameOf(int nodeId) {
        return "node-" + nodeId;
    }

    static boolean names(X509Certificate certificate, int nodeId) {
        String expected = nameOf(nodeId);
        return dnsNames(certificate).stream().anyMatch(expected::equalsIgnoreCase)
                || expected.equalsIgnoreCase(commonName(certificate));
    }

    private static List<String> dnsNames(X509Certificate certificate) {
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            if (names == null) {
                return List.of();
            }
            return names.stream()
                    .filter(entry -> entry.size() >= 2 && Integer.valueOf(SAN_DNS_NAME).equals(entry.get(0)))
                    .map(entry -> String.valueOf(entry.get(1)))
                    .toList();
        } catch (CertificateParsingException e) {
            return List.of();
        }
    }

    private static String commonName(X509Certificate certificate) {
        try {
            LdapName name = new LdapName(certificate.getSubjectX500Principal().getName());
            for (Rdn rdn : name.getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return String.valueOf(rdn.getValue());
                }
            }
        } catch (InvalidNameException e) {
            return null;
        }
        return null;
    }
}
