package io.h2relay.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code tls} section of a cluster: defaults, values, and errors that name the key and the line. */
class UpstreamTlsConfigTest {

    @TempDir
    Path dir;

    private static ClusterConfig cluster(String clusterBody) {
        ProxyConfig c = ConfigLoader.parse("""
                h2relay.clusters.c {
                  endpoints = ["https://backend.internal"]
                %s
                }
                h2relay.routes.r.cluster = c
                """.formatted(clusterBody), "test.conf");
        return c.clusters().get("c");
    }

    @Test
    void defaultsTrustTheSystemStoreAndNameEachEndpoint() {
        UpstreamTlsConfig tls = cluster("").tls();
        assertEquals(UpstreamTlsConfig.DEFAULT, tls);
        assertEquals("backend.internal", tls.serverNameFor(Endpoint.parse("h2://backend.internal:8443")));
    }

    @Test
    void everyKeyIsRead() throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "x");
        Path cert = Files.writeString(dir.resolve("c.pem"), "x");
        Path key = Files.writeString(dir.resolve("k.pem"), "x");
        UpstreamTlsConfig tls = cluster("""
                tls { ca-file = "%s", server-name = api.example, certificate-file = "%s", key-file = "%s" }
                """.formatted(ca, cert, key)).tls();
        assertEquals(new UpstreamTlsConfig(ca, "api.example", false, cert, key), tls);
        assertEquals("api.example", tls.serverNameFor(Endpoint.parse("h2://10.0.0.1")));
        assertTrue(cluster("tls.insecure = true").tls().insecure());
    }

    @Test
    void insecureAndACaFileExcludeEachOther() throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "x");
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> cluster("tls { ca-file = \"" + ca + "\"\n insecure = true }"));
        assertEquals("h2relay.clusters.c.tls.insecure", e.problems().get(0).path());
        assertEquals(4, e.problems().get(0).line());
    }

    @Test
    void anUnreadableFileIsNamedWithItsKey() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> cluster("tls.ca-file = \"" + dir.resolve("missing.pem") + "\""));
        assertEquals("h2relay.clusters.c.tls.ca-file", e.problems().get(0).path());
        assertTrue(e.getMessage().contains("cannot read"), e.getMessage());
    }

    @Test
    void aClientCertificateNeedsItsKey() throws Exception {
        Path cert = Files.writeString(dir.resolve("c.pem"), "x");
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> cluster("tls.certificate-file = \"" + cert + "\""));
        assertEquals("h2relay.clusters.c.tls.certificate-file", e.problems().get(0).path());
    }

    @Test
    void aServerNameIsAHostName() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> cluster("tls.server-name = \"a:443\""));
        assertEquals("h2relay.clusters.c.tls.server-name", e.problems().get(0).path());
        assertNull(cluster("tls.server-name = null").tls().serverName());
    }
}
