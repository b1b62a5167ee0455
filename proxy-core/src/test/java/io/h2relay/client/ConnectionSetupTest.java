package io.h2relay.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Set-up failures: a server that accepts but never speaks, and bad URIs. */
// Servers opened in try-with-resources only to be closed at its end.
@SuppressWarnings("try")
class ConnectionSetupTest {

    @Test
    void aServerThatNeverSendsItsSettingsFailsTheConnectAfterTheTimeout() throws Exception {
        ClientConfig config = ClientConfig.builder().connectTimeout(Duration.ofMillis(300)).build();
        try (ServerSocket silent = new ServerSocket();
                H2Client client = H2Client.create(config)) {
            silent.bind(new InetSocketAddress("127.0.0.1", 0));
            var connecting = client.connect(URI.create("h2c://127.0.0.1:" + silent.getLocalPort()))
                    .toCompletableFuture();
            try (Socket accepted = silent.accept()) {
                ExecutionException e = assertThrows(ExecutionException.class,
                        () -> connecting.get(20, TimeUnit.SECONDS));
                ConnectionException cause = assertInstanceOf(ConnectionException.class, e.getCause());
                assertTrue(cause.getMessage().contains("was not ready within"), cause.getMessage());
                assertEquals(-1, cause.errorCode());
            }
        }
    }

    @Test
    void unknownSchemesAreRefusedUpFront() {
        try (H2Client client = H2Client.create()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> client.connect(URI.create("ftp://127.0.0.1:21")));
            assertTrue(e.getMessage().contains("h2c, http, h2 or https"), e.getMessage());
        }
    }

    @Test
    void theDefaultPortIsLeftOutOfTheAuthority() {
        assertEquals("example.com", ClientConnection.authority("example.com", 443, ConnectMode.TLS));
        assertEquals("example.com:8443", ClientConnection.authority("example.com", 8443, ConnectMode.TLS));
        assertEquals("[::1]:8080", ClientConnection.authority("::1", 8080, ConnectMode.H2C_PRIOR_KNOWLEDGE));
    }
}
