package io.h2relay.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Chooses the certificate for a handshake by the client's server name (SNI, RFC 6066 §3): a certificate whose DNS
 * names hold the name exactly, else one holding a wildcard for it ("*.example.com" covers "a.example.com" but not
 * "example.com" or "a.b.example.com", RFC 6125 §6.4.3), else — no SNI, an IP address, or a name no certificate
 * holds — the first configured certificate, which is the default. Among the certificates for a name, the first
 * whose key type JSSE asks for wins (so an RSA and an EC certificate for one name serve both kinds of client).
 *
 * <p>The set can be replaced while handshakes run ({@link CertificateStore} does it): a handshake uses the set it
 * chose an alias from, because aliases carry the generation and the previous set is kept; established connections
 * never ask again. As a client key manager it offers the first certificate whose key type and issuer fit.
 */
public final class SniKeyManager extends X509ExtendedKeyManager {

    private static final String ALIAS_PREFIX = "h2relay-";

    private volatile Snapshot current;
    private volatile Snapshot previous;

    private SniKeyManager(Snapshot snapshot) {
        this.current = snapshot;
        this.previous = snapshot;
    }

    /** A key manager over {@code certificates}; the first is the default. */
    public static SniKeyManager of(List<KeyMaterial> certificates) {
        return new SniKeyManager(new Snapshot(0, certificates));
    }

    /** The certificates in use, the default first. */
    public List<KeyMaterial> certificates() {
        return current.entries;
    }

    /**
     * The certificate a handshake naming {@code serverName} (null: no SNI) and asking for {@code keyType} gets,
     * or null when none has that key type.
     */
    public KeyMaterial select(String serverName, String keyType) {
        Snapshot snapshot = current;
        int index = snapshot.select(serverName, keyType);
        return index < 0 ? null : snapshot.entries.get(index);
    }

    /** Replaces the set for new handshakes; handshakes between choosing and reading an alias still resolve it. */
    synchronized void replace(List<KeyMaterial> certificates) {
        Snapshot next = new Snapshot(current.generation + 1, certificates);
        previous = current;
        current = next;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return serverAlias(keyType, engine == null ? null : engine.getHandshakeSession());
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        SSLSession session = socket instanceof SSLSocket ssl ? ssl.getHandshakeSession() : null;
        return serverAlias(keyType, session);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return aliases(keyType, issuers);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return clientAlias(keyTypes, issuers);
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return clientAlias(keyTypes, issuers);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return aliases(keyType, issuers);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        KeyMaterial material = resolve(alias);
        return material == null ? null : material.chain().toArray(new X509Certificate[0]);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        KeyMaterial material = resolve(alias);
        return material == null ? null : material.privateKey();
    }

    private String serverAlias(String keyType, SSLSession handshake) {
        Snapshot snapshot = current;
        int index = snapshot.select(requestedHostName(handshake), keyType);
        return index < 0 ? null : snapshot.alias(index);
    }

    private String clientAlias(String[] keyTypes, Principal[] issuers) {
        Snapshot snapshot = current;
        for (String keyType : keyTypes) {
            for (int i = 0; i < snapshot.entries.size(); i++) {
                KeyMaterial material = snapshot.entries.get(i);
                if (material.keyType().equals(keyType) && issuedByOneOf(material, issuers)) {
                    return snapshot.alias(i);
                }
            }
        }
        return null;
    }

    private String[] aliases(String keyType, Principal[] issuers) {
        Snapshot snapshot = current;
        List<String> aliases = new ArrayList<>();
        for (int i = 0; i < snapshot.entries.size(); i++) {
            KeyMaterial material = snapshot.entries.get(i);
            if (material.keyType().equals(keyType) && issuedByOneOf(material, issuers)) {
                aliases.add(snapshot.alias(i));
            }
        }
        return aliases.isEmpty() ? null : aliases.toArray(new String[0]);
    }

    private static boolean issuedByOneOf(KeyMaterial material, Principal[] issuers) {
        if (issuers == null || issuers.length == 0) {
            return true;
        }
        Set<Principal> accepted = Set.of(issuers);
        for (X509Certificate certificate : material.chain()) {
            if (accepted.contains(certificate.getIssuerX500Principal())) {
                return true;
            }
        }
        return false;
    }

    private KeyMaterial resolve(String alias) {
        if (alias == null || !alias.startsWith(ALIAS_PREFIX)) {
            return null;
        }
        int dash = alias.indexOf('-', ALIAS_PREFIX.length());
        if (dash < 0) {
            return null;
        }
        long generation;
        int index;
        try {
            generation = Long.parseLong(alias.substring(ALIAS_PREFIX.length(), dash));
            index = Integer.parseInt(alias.substring(dash + 1));
        } catch (NumberFormatException e) {
            return null;
        }
        Snapshot snapshot = current;
        if (snapshot.generation != generation) {
            snapshot = previous;
        }
        if (snapshot.generation != generation || index < 0 || index >= snapshot.entries.size()) {
            return null;
        }
        return snapshot.entries.get(index);
    }

    /** The host name the client sent, lower case without a trailing dot; null without SNI. */
    static String requestedHostName(SSLSession handshake) {
        if (!(handshake instanceof ExtendedSSLSession extended)) {
            return null;
        }
        for (SNIServerName name : extended.getRequestedServerNames()) {
            if (name.getType() == StandardConstants.SNI_HOST_NAME) {
                return normalize(((SNIHostName) name).getAsciiName());
            }
        }
        return null;
    }

    static String normalize(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    /** One immutable set of certificates with its name index. */
    private static final class Snapshot {

        final long generation;
        final List<KeyMaterial> entries;
        /** Exact DNS name -> entry indices in configuration order. */
        final Map<String, List<Integer>> exact = new HashMap<>();
        /** Wildcard parent ("example.com" for "*.example.com") -> entry indices in configuration order. */
        final Map<String, List<Integer>> wildcard = new HashMap<>();

        Snapshot(long generation, List<KeyMaterial> entries) {
            if (entries.isEmpty()) {
                throw new IllegalArgumentException("no certificates");
            }
            this.generation = generation;
            this.entries = List.copyOf(entries);
            for (int i = 0; i < this.entries.size(); i++) {
                for (String name : this.entries.get(i).dnsNames()) {
                    String normalized = normalize(name);
                    if (normalized.startsWith("*.")) {
                        add(wildcard, normalized.substring(2), i);
                    } else if (!normalized.contains("*")) {
                        // Partial wildcards ("f*.example.com") are not honoured (RFC 6125 §7.2).
                        add(exact, normalized, i);
                    }
                }
            }
        }

        private static void add(Map<String, List<Integer>> index, String name, int entry) {
            List<Integer> entries = index.computeIfAbsent(name, n -> new ArrayList<>(2));
            if (!entries.contains(entry)) {
                entries.add(entry);
            }
        }

        int select(String serverName, String keyType) {
            if (serverName != null) {
                List<Integer> named = exact.getOrDefault(serverName, List.of());
                int dot = serverName.indexOf('.');
                List<Integer> covered = dot > 0 ? wildcard.getOrDefault(serverName.substring(dot + 1), List.of())
                        : List.of();
                if (!named.isEmpty() || !covered.isEmpty()) {
                    // The name is ours: answer with one of its certificates or not at all, never another name's.
                    int index = firstOfType(named, keyType);
                    return index >= 0 ? index : firstOfType(covered, keyType);
                }
            }
            for (int i = 0; i < entries.size(); i++) {
                if (entries.get(i).keyType().equals(keyType)) {
                    return i;
                }
            }
            return -1;
        }

        private int firstOfType(List<Integer> candidates, String keyType) {
            for (int index : candidates) {
                if (entries.get(index).keyType().equals(keyType)) {
                    return index;
                }
            }
            return -1;
        }

        String alias(int index) {
            return ALIAS_PREFIX + generation + "-" + index;
        }
    }
}
