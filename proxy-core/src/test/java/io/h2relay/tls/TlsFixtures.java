package io.h2relay.tls;

import java.nio.file.Path;
import java.util.List;

/** Certificates shared by the TLS tests, made once per test JVM (key generation is the slow part). */
final class TlsFixtures {

    static final TestPki.Issued CA = TestPki.ca("h2relay test CA");
    static final TestPki.Issued OTHER_CA = TestPki.ca("some other CA");
    /** EC, for localhost, 127.0.0.1 and ::1. */
    static final TestPki.Issued LOCALHOST = TestPki.leaf(CA, "localhost", TestPki.ecKeys(),
            List.of("localhost", "127.0.0.1", "::1"));
    /** EC, for a.example.test. */
    static final TestPki.Issued SITE_A = TestPki.leaf(CA, "site-a", TestPki.ecKeys(), List.of("a.example.test"));
    /** EC, for *.wild.test. */
    static final TestPki.Issued WILDCARD = TestPki.leaf(CA, "wildcard", TestPki.ecKeys(), List.of("*.wild.test"));
    /** RSA, for localhost. */
    static final TestPki.Issued RSA_LOCALHOST = TestPki.leaf(CA, "rsa-localhost", TestPki.rsaKeys(),
            List.of("localhost"));
    /** A client certificate from {@link #CA}. */
    static final TestPki.Issued CLIENT = TestPki.leaf(CA, "client-one", TestPki.ecKeys(), List.of());
    /** A client certificate from {@link #OTHER_CA}. */
    static final TestPki.Issued STRANGER = TestPki.leaf(OTHER_CA, "stranger", TestPki.ecKeys(), List.of());

    private TlsFixtures() {
    }

    /** Writes the CA certificate of {@code ca} as a PEM bundle in {@code directory}. */
    static Path caBundle(Path directory, TestPki.Issued ca) {
        return TestPki.write(directory.resolve("ca-" + ca.certificate().getSerialNumber() + ".pem"),
                TestPki.pem(ca.certificate()));
    }

    static ServerTls server(List<TestPki.Issued> certificates, ServerTls.Settings settings) {
        return ServerTls.create(SniKeyManager.of(certificates.stream().map(TestPki.Issued::material).toList()),
                settings);
    }

    static ServerTls server(TestPki.Issued certificate) {
        return server(List.of(certificate), ServerTls.Settings.defaults());
    }

    static ClientTls client(Path directory) {
        return ClientTls.create(ClientTls.Settings.defaults().withTrust(ClientTls.Trust.caBundle(caBundle(directory,
                CA))));
    }
}
