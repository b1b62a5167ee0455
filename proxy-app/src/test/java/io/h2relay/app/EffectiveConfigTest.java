package io.h2relay.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.config.ConfigLoader;
import io.h2relay.config.ProxyConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class EffectiveConfigTest {

    @Test
    void durationsUseTheLargestExactHoconUnit() {
        assertEquals("0s", EffectiveConfig.duration(Duration.ZERO));
        assertEquals("3m", EffectiveConfig.duration(Duration.ofMinutes(3)));
        assertEquals("2h", EffectiveConfig.duration(Duration.ofHours(2)));
        assertEquals("90s", EffectiveConfig.duration(Duration.ofSeconds(90)));
        assertEquals("1500ms", EffectiveConfig.duration(Duration.ofMillis(1500)));
        assertEquals("1500001ns", EffectiveConfig.duration(Duration.ofNanos(1_500_001)));
    }

    @Test
    void componentNamesBecomeReferenceConfKeys() {
        assertEquals("max-concurrent-streams", EffectiveConfig.kebab("maxConcurrentStreams"));
        assertEquals("x-forwarded-for", EffectiveConfig.kebab("xForwardedFor"));
        assertEquals("idle", EffectiveConfig.kebab("idle"));
    }

    @Test
    void everyEditKindRoundTrips() {
        ProxyConfig config = ConfigLoader.parse("""
                h2relay {
                  listeners.a { address = "[::1]:0", protocols = [h2c] }
                  clusters.c { endpoints = ["h2c://[::1]:9000", "https://api.example:8443"], idle-timeout = 0 }
                  routes.r {
                    authority = ["*.example.com:8443", "api.example"]
                    path-prefix = "/api/"
                    rewrite-prefix = "/v2/"
                    cluster = c
                    timeout = 1500ms
                    request-headers { remove = [cookie], set { x-env = prod }, add { x-tag = ["a", "b"] } }
                    response-headers { set { "x.odd" = "v" } }
                  }
                  forwarding { forwarded-for = ip-and-port, forwarded-by = _relay1 }
                  origin { enabled = true, address = "127.0.0.1:0" }
                }
                """, "test");
        String rendered = EffectiveConfig.render(config);
        assertEquals(config, ConfigLoader.parse(rendered, "rendered"), rendered);
        assertTrue(rendered.contains("protocols = [\"h2c\"]"), rendered);
        assertTrue(rendered.contains("forwarded-by = \"_relay1\""), rendered);
    }

    @Test
    void tlsListenersRoundTrip(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path cert = java.nio.file.Files.writeString(dir.resolve("cert.pem"), "x");
        java.nio.file.Path key = java.nio.file.Files.writeString(dir.resolve("key.pem"), "x");
        java.nio.file.Path p12 = java.nio.file.Files.writeString(dir.resolve("site.p12"), "x");
        ProxyConfig config = ConfigLoader.parse("""
                h2relay {
                  state-directory = "%s"
                  listeners.plain { address = "127.0.0.1:0" }
                  listeners.own { address = "127.0.0.1:0", tls.self-signed = true }
                  listeners.secure {
                    address = "127.0.0.1:0"
                    tls {
                      certificates = [
                        { certificate-chain = "%s", private-key = "%s" }
                        { pkcs12 = "%s", password = "pw", alias = site }
                      ]
                      protocols = ["TLSv1.3"]
                      client-certificates = optional
                      client-ca = "%s"
                      reload-interval = 250ms
                    }
                  }
                }
                """.formatted(dir, cert, key, p12, cert), "test");
        String rendered = EffectiveConfig.render(config);
        assertEquals(config, ConfigLoader.parse(rendered, "rendered"), rendered);
        assertTrue(rendered.contains("state-directory = \"" + dir + "\""), rendered);
        assertTrue(rendered.contains("{ pkcs12 = \"" + p12 + "\", password = \"pw\", alias = \"site\" }"), rendered);
    }
}
