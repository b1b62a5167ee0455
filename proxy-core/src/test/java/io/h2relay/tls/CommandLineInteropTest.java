package io.h2relay.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver as a server for real command-line clients: curl (ALPN h2 and http/1.1, certificate checks) and
 * openssl s_client (protocol versions). Missing tools fail the test naming their Debian package.
 */
class CommandLineInteropTest {

    @TempDir
    Path directory;

    private ExternalProgram.Result curl(String... arguments) throws Exception {
        ExternalProgram.require("curl", "curl");
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "-v", "--max-time", "20"));
        command.addAll(List.of(arguments));
        return ExternalProgram.run(command, directory);
    }

    private ExternalProgram.Result sClient(int port, String... arguments) throws Exception {
        ExternalProgram.require("openssl", "openssl");
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
                "-servername", "localhost"));
        command.addAll(List.of(arguments));
        return ExternalProgram.run(command, directory);
    }

    @Test
    void curlNegotiatesH2WhenItOffersHttp2() throws Exception {
        try (TinyHttpsServer server = new TinyHttpsServer(TlsFixtures.server(TlsFixtures.LOCALHOST))) {
            ExternalProgram.Result result = curl("-k", "--http2", "-o", "/dev/null",
                    "https://127.0.0.1:" + server.port() + "/");
            // curl 7.88 prints "ALPN: server accepted h2"; older ones "ALPN, server accepted to use h2".
            assertTrue(result.stderr().contains("ALPN: server accepted h2")
                    || result.stderr().contains("server accepted to use h2"), result.stderr());
            TinyHttpsServer.Outcome outcome = server.next();
            assertNull(outcome.failure());
            assertEquals("h2", outcome.applicationProtocol());
            assertEquals("TLSv1.3", outcome.protocol());
        }
    }

    @Test
    void curlGetsAnHttp11AnswerWhenAlpnSaysHttp11() throws Exception {
        try (TinyHttpsServer server = new TinyHttpsServer(TlsFixtures.server(TlsFixtures.LOCALHOST))) {
            ExternalProgram.Result result = curl("-k", "--http1.1", "-w", "|%{http_version}|%{http_code}",
                    "https://127.0.0.1:" + server.port() + "/hello");
            assertEquals(0, result.exitCode(), result.stderr());
            assertEquals("ok\n|1.1|200", result.stdout());
            assertEquals("http/1.1", server.next().applicationProtocol());
        }
    }

    @Test
    void curlFallsBackToHttp11WhenTheServerOffersOnlyThat() throws Exception {
        ServerTls tls = TlsFixtures.server(List.of(TlsFixtures.LOCALHOST),
                ServerTls.Settings.defaults().withApplicationProtocols("http/1.1"));
        try (TinyHttpsServer server = new TinyHttpsServer(tls)) {
            ExternalProgram.Result result = curl("-k", "--http2", "-w", "|%{http_version}",
                    "https://127.0.0.1:" + server.port() + "/");
            assertEquals(0, result.exitCode(), result.stderr());
            assertEquals("ok\n|1.1", result.stdout());
        }
    }

    @Test
    void curlVerifiesTheCertificateAgainstTheCaAndTheHostName() throws Exception {
        Path ca = TlsFixtures.caBundle(directory, TlsFixtures.CA);
        try (TinyHttpsServer server = new TinyHttpsServer(TlsFixtures.server(TlsFixtures.LOCALHOST))) {
            String url = "https://localhost:" + server.port() + "/";
            String resolve = "localhost:" + server.port() + ":127.0.0.1";
            ExternalProgram.Result trusted = curl("--cacert", ca.toString(), "--resolve", resolve, "--http1.1",
                    url);
            assertEquals(0, trusted.exitCode(), trusted.stderr());
            assertEquals("ok\n", trusted.stdout());
            server.next();
            ExternalProgram.Result untrusted = curl("--resolve", resolve, "--http1.1", url);
            assertEquals(60, untrusted.exitCode(), "CURLE_PEER_FAILED_VERIFICATION: " + untrusted.stderr());
            assertNotNull(server.next().failure(), "curl aborted the handshake");
        }
    }

    @Test
    void tls11IsRefusedAndTls12Accepted() throws Exception {
        try (TinyHttpsServer server = new TinyHttpsServer(TlsFixtures.server(TlsFixtures.LOCALHOST))) {
            // SECLEVEL=0 lets OpenSSL 3 offer TLS 1.1 at all; our server must be the one refusing.
            ExternalProgram.Result old = sClient(server.port(), "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0");
            assertNotEquals(0, old.exitCode(), old.stdout());
            TinyHttpsServer.Outcome refused = server.next();
            assertNotNull(refused.failure(), "the ClientHello reached the server and was refused");
            assertEquals(TlsException.Kind.HANDSHAKE_FAILED, refused.failure().kind());
            assertTrue(refused.failure().getMessage().contains("TLSv1.1"), refused.failure().getMessage());

            ExternalProgram.Result modern = sClient(server.port(), "-tls1_2", "-alpn", "h2,http/1.1");
            assertEquals(0, modern.exitCode(), modern.stderr());
            assertTrue(modern.stdout().contains("ALPN protocol: h2"), modern.stdout());
            TinyHttpsServer.Outcome accepted = server.next();
            assertNull(accepted.failure());
            assertEquals("TLSv1.2", accepted.protocol());
            assertEquals("h2", accepted.applicationProtocol());
        }
    }
}
