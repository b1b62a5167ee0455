package io.h2relay.config;

import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a listener's {@code tls} section. Certificate files are checked for existence here, so a wrong path is
 * reported at its line; whether they hold a usable key and chain is checked when the listener starts.
 */
final class TlsSectionParser {

    private static final Set<String> VERSIONS = Set.of("TLSv1.3", "TLSv1.2");
    private static final Set<String> RETIRED = Set.of("TLSv1.1", "TLSv1", "TLSv1.0", "SSLv3", "SSLv2");
    private static final Set<String> ALPN = Set.of("h2", "http/1.1");
    private static final Set<String> PEM_KEYS = Set.of("certificate-chain", "private-key", "password");
    private static final Set<String> PKCS12_KEYS = Set.of("pkcs12", "password", "alias");

    private TlsSectionParser() {}

    /** The section's settings; not {@code enabled()} when the listener is cleartext (no certificates, not self-signed). */
    static TlsListenerConfig parse(Section s) {
        // Every key is read (and so checked) even on a cleartext listener: a mistake in the defaults shows at once.
        List<TlsListenerConfig.Certificate> certificates = new ArrayList<>();
        for (Section.Item it : s.items("certificates", false)) {
            certificates.add(certificate(it));
        }
        boolean selfSigned = s.bool("self-signed");
        List<String> versions = versions(s);
        List<String> alpn = alpn(s);
        List<String> cipherSuites = strings(s, "cipher-suites");
        TlsListenerConfig.ClientAuth clientAuth = clientAuth(s.item("client-certificates"));
        Path clientCa = s.isSet("client-ca") ? Section.convert(s.item("client-ca"), TlsSectionParser::path) : null;
        java.time.Duration reloadInterval = s.duration("reload-interval", true);
        if (!selfSigned && certificates.isEmpty()) {
            return new TlsListenerConfig(certificates, false, versions, alpn, cipherSuites, clientAuth, clientCa,
                    reloadInterval);
        }
        if (selfSigned && !certificates.isEmpty()) {
            throw Section.fail(s.item("self-signed"), "either certificates or self-signed = true, not both");
        }
        if (clientCa != null) {
            clientCa = existingFile(s.item("client-ca"));
        } else if (clientAuth != TlsListenerConfig.ClientAuth.NONE) {
            throw Section.fail(s.item("client-certificates"), "client certificates '" + clientAuth.configName()
                    + "' need client-ca, a PEM file of the CA certificates to accept");
        }
        return new TlsListenerConfig(certificates, selfSigned, versions, alpn, cipherSuites, clientAuth, clientCa,
                reloadInterval);
    }

    /** {@code h2relay.state-directory}, else {@code $XDG_STATE_HOME/h2relay}, else {@code ~/.local/state/h2relay}. */
    static Path stateDirectory(Section root, Map<String, String> environment) {
        if (root.isSet("state-directory")) {
            return Section.convert(root.item("state-directory"), TlsSectionParser::path);
        }
        String xdg = environment.get("XDG_STATE_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "h2relay");
        }
        return Path.of(System.getProperty("user.home"), ".local", "state", "h2relay");
    }

    private static TlsListenerConfig.Certificate certificate(Section.Item it) {
        ConfigObject object = Section.object(it);
        Section c = new Section(object, it.value().origin(), it.path());
        boolean pkcs12 = c.isSet("pkcs12");
        Set<String> known = pkcs12 ? PKCS12_KEYS : PEM_KEYS;
        for (String key : new TreeSet<>(object.keySet())) {
            if (!known.contains(key)) {
                throw Section.fail(new Section.Item(object.get(key), c.pathOf(key)), "unknown key '" + key + "' ("
                        + (pkcs12 ? "a PKCS#12 certificate takes pkcs12, password, alias"
                                : "a PEM certificate takes certificate-chain, private-key, password") + ")");
            }
        }
        String password = c.isSet("password") ? password(c.item("password")) : null;
        if (pkcs12) {
            return new TlsListenerConfig.Certificate.Pkcs12File(existingFile(c.item("pkcs12")), password,
                    c.optionalString("alias").orElse(null));
        }
        if (!c.isSet("certificate-chain")) {
            throw Section.fail(it, "a certificate needs certificate-chain and private-key (PEM files), or pkcs12");
        }
        return new TlsListenerConfig.Certificate.PemFiles(existingFile(c.item("certificate-chain")),
                existingFile(c.item("private-key")), password);
    }

    private static String password(Section.Item it) {
        if (it.value().valueType() == ConfigValueType.NUMBER) {
            return String.valueOf(it.value().unwrapped()); // an all-digit password written without quotes
        }
        return Section.string(it);
    }

    private static Path existingFile(Section.Item it) {
        Path file = Section.convert(it, TlsSectionParser::path);
        if (!Files.isRegularFile(file)) {
            throw Section.fail(it, "no such file: " + file.toAbsolutePath());
        }
        if (!Files.isReadable(file)) {
            throw Section.fail(it, "cannot read " + file.toAbsolutePath());
        }
        return file;
    }

    private static Path path(String text) {
        if (text.isBlank()) {
            throw new IllegalArgumentException("empty path");
        }
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("not a path: " + e.getMessage());
        }
    }

    private static TlsListenerConfig.ClientAuth clientAuth(Section.Item it) {
        String value = Section.string(it).toLowerCase(Locale.ROOT);
        for (TlsListenerConfig.ClientAuth a : TlsListenerConfig.ClientAuth.values()) {
            if (a.configName().equals(value)) {
                return a;
            }
        }
        throw Section.fail(it, "expected none, optional or required, got '" + Section.string(it) + "'");
    }

    private static List<String> versions(Section s) {
        List<String> out = new ArrayList<>();
        for (Section.Item it : s.items("protocols", true)) {
            String v = Section.string(it);
            if (RETIRED.contains(v)) {
                throw Section.fail(it, v + " is refused: TLS 1.1 and older are retired (RFC 8996) and HTTP/2 needs "
                        + "TLS 1.2 or later (RFC 9113 §9.2); use TLSv1.3 and/or TLSv1.2");
            }
            if (!VERSIONS.contains(v)) {
                throw Section.fail(it, "unknown TLS version '" + v + "' (use TLSv1.3, TLSv1.2)");
            }
            if (!out.contains(v)) {
                out.add(v);
            }
        }
        if (out.isEmpty()) {
            throw Section.fail(s.item("protocols"), "at least one TLS version");
        }
        return out;
    }

    private static List<String> alpn(Section s) {
        List<String> out = new ArrayList<>();
        for (Section.Item it : s.items("alpn", true)) {
            String p = Section.string(it);
            if (!ALPN.contains(p)) {
                throw Section.fail(it, "unknown ALPN protocol '" + p + "' (use h2, \"http/1.1\")");
            }
            if (!out.contains(p)) {
                out.add(p);
            }
        }
        return out;
    }

    private static List<String> strings(Section s, String key) {
        List<String> out = new ArrayList<>();
        for (Section.Item it : s.items(key, true)) {
            out.add(Section.string(it));
        }
        return out;
    }
}
