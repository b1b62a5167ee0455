package io.h2relay.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Server certificates that follow their files. {@link #reloadIfChanged()} reads each file and compares its SHA-256
 * with the last reading: a touched file with the same content is no change, and a rewrite is seen even when it
 * keeps the size and lands in the same file-system time tick (mtime granularity is milliseconds at best), which a
 * stat-only check would miss. Certificate files are a few kilobytes, so reading them on every check is cheap. A
 * source whose files changed is loaded again and,
 * when it loads, replaces the old certificate for new handshakes — connections already established keep theirs,
 * since TLS reads certificates only while handshaking. A source that fails to load keeps the previous certificate
 * and reports the error once per distinct file content (a key and certificate written one after the other may fail
 * in between and succeed on the next check).
 *
 * <p>The store has no thread: the owner calls {@link #reloadIfChanged()} on its own schedule (an actor timer).
 */
public final class CertificateStore {

    /** Where one certificate comes from. */
    public sealed interface Source {

        /** The files read for this source. */
        List<Path> files();

        /** Loads from the given file contents (read once, so the fingerprint and the parsed data agree). */
        KeyMaterial load(Map<Path, byte[]> contents, Instant now);

        /** A PEM certificate chain and key (may be the same file); {@code password} null unless encrypted. */
        record PemFiles(Path certificateFile, Path keyFile, char[] password) implements Source {
            public PemFiles {
                Objects.requireNonNull(certificateFile, "certificateFile");
                Objects.requireNonNull(keyFile, "keyFile");
            }

            @Override
            public List<Path> files() {
                return certificateFile.equals(keyFile) ? List.of(certificateFile) : List.of(certificateFile, keyFile);
            }

            @Override
            public KeyMaterial load(Map<Path, byte[]> contents, Instant now) {
                return KeyMaterial.fromPem(certificateFile, contents.get(certificateFile), keyFile,
                        contents.get(keyFile), password, now);
            }
        }

        /** A PKCS#12 keystore; {@code alias} null for its first key entry. */
        record Pkcs12File(Path file, char[] password, String alias) implements Source {
            public Pkcs12File {
                Objects.requireNonNull(file, "file");
            }

            @Override
            public List<Path> files() {
                return List.of(file);
            }

            @Override
            public KeyMaterial load(Map<Path, byte[]> contents, Instant now) {
                return KeyMaterial.fromPkcs12(file, contents.get(file), password, alias, now);
            }
        }

        static Source pem(Path certificateFile, Path keyFile) {
            return new PemFiles(certificateFile, keyFile, null);
        }

        static Source pem(Path certificateFile, Path keyFile, char[] password) {
            return new PemFiles(certificateFile, keyFile, password);
        }

        static Source pkcs12(Path file, char[] password, String alias) {
            return new Pkcs12File(file, password, alias);
        }
    }

    /**
     * What one check did.
     *
     * @param reloaded the sources whose new certificate is now in use
     * @param errors the sources that changed but could not be loaded (the previous certificate stays), with why
     * @param warnings problems of the new certificates that do not stop their use (expired, not yet valid)
     */
    public record Reload(List<String> reloaded, List<String> errors, List<String> warnings) {

        public Reload {
            reloaded = List.copyOf(reloaded);
            errors = List.copyOf(errors);
            warnings = List.copyOf(warnings);
        }

        /** Whether new handshakes now see different certificates. */
        public boolean changed() {
            return !reloaded.isEmpty();
        }
    }

    /** A source, what its files looked like last time, and its certificate in use. */
    private static final class Slot {
        final Source source;
        /** The SHA-256 of each file as last read (or why it could not be read), loadable or not. */
        Map<Path, String> seen = Map.of();
        KeyMaterial material;

        Slot(Source source) {
            this.source = source;
        }
    }

    private final List<Slot> slots;
    private final SniKeyManager keyManager;

    private CertificateStore(List<Slot> slots) {
        this.slots = slots;
        List<KeyMaterial> materials = new ArrayList<>();
        for (Slot slot : slots) {
            materials.add(slot.material);
        }
        this.keyManager = SniKeyManager.of(materials);
    }

    /**
     * Loads every source; the first is the default certificate (no SNI, or no name matches).
     *
     * @throws TlsConfigException the first source that cannot be loaded, naming its file
     */
    public static CertificateStore load(List<Source> sources) {
        if (sources.isEmpty()) {
            throw new TlsConfigException("no certificate configured");
        }
        List<Slot> slots = new ArrayList<>();
        Instant now = Instant.now();
        for (Source source : sources) {
            Slot slot = new Slot(source);
            Map<Path, byte[]> contents = new LinkedHashMap<>();
            Map<Path, String> seen = new LinkedHashMap<>();
            for (Path file : source.files()) {
                byte[] bytes = Pem.read(file);
                contents.put(file, bytes);
                seen.put(file, sha256(bytes));
            }
            slot.material = source.load(contents, now);
            slot.seen = seen;
            slots.add(slot);
        }
        return new CertificateStore(slots);
    }

    /** The key manager for {@link ServerTls#create}; it follows reloads. */
    public SniKeyManager keyManager() {
        return keyManager;
    }

    /** The certificates in use, in source order. */
    public List<KeyMaterial> certificates() {
        return keyManager.certificates();
    }

    /** The warnings of the certificates in use (expired, not yet valid). */
    public List<String> warnings() {
        List<String> warnings = new ArrayList<>();
        for (KeyMaterial material : keyManager.certificates()) {
            warnings.addAll(material.warnings());
        }
        return warnings;
    }

    /** Reads the files again and swaps in the sources that changed and load. Never throws for bad files. */
    public synchronized Reload reloadIfChanged() {
        List<String> reloaded = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Instant now = Instant.now();
        for (Slot slot : slots) {
            Map<Path, String> seen = new LinkedHashMap<>();
            Map<Path, byte[]> contents = new LinkedHashMap<>();
            TlsConfigException unreadable = look(slot, seen, contents);
            boolean changed = !seen.equals(slot.seen);
            slot.seen = seen;
            if (!changed) {
                continue;
            }
            String name = describe(slot.source);
            if (unreadable != null) {
                errors.add(name + ": kept the previous certificate: " + unreadable.getMessage());
                continue;
            }
            try {
                KeyMaterial material = slot.source.load(contents, now);
                slot.material = material;
                reloaded.add(name);
                warnings.addAll(material.warnings());
            } catch (TlsConfigException e) {
                errors.add(name + ": kept the previous certificate: " + e.getMessage());
            }
        }
        if (!reloaded.isEmpty()) {
            List<KeyMaterial> materials = new ArrayList<>();
            for (Slot slot : slots) {
                materials.add(slot.material);
            }
            keyManager.replace(materials);
        }
        return new Reload(reloaded, errors, warnings);
    }

    private static String describe(Source source) {
        List<String> names = new ArrayList<>();
        for (Path file : source.files()) {
            names.add(file.toString());
        }
        return String.join(" + ", names);
    }

    /**
     * Reads the files of a slot into {@code contents} and notes their hashes in {@code seen}; returns the first
     * read error, if any.
     */
    private static TlsConfigException look(Slot slot, Map<Path, String> seen, Map<Path, byte[]> contents) {
        TlsConfigException error = null;
        for (Path file : slot.source.files()) {
            try {
                byte[] bytes = Files.readAllBytes(file);
                contents.put(file, bytes);
                seen.put(file, sha256(bytes));
            } catch (IOException e) {
                seen.put(file, "unreadable: " + e);
                if (error == null) {
                    error = TlsConfigException.of(file, "cannot read the file", e);
                }
            }
        }
        return error;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
