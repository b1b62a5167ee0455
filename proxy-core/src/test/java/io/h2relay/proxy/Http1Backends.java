package io.h2relay.proxy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;

/**
 * Real HTTP/1.1 backends behind one proxy over http://: nginx (cluster "nginx", the default route) answering
 * {@code /fixed}, {@code /nginx/large.bin} and the test's own locations, and the JDK's HttpServer (cluster "jdk",
 * route {@code /echo}).
 */
final class Http1Backends implements AutoCloseable {

    final Nginx nginx;
    final JdkEchoServer jdk;
    final ProxyServer proxy;

    /**
     * {@code locations}: more nginx {@code location} blocks; {@code hocon}: more proxy configuration (the inside of
     * {@code h2relay { }}).
     */
    Http1Backends(ActorTestKit kit, Path dir, byte[] largeFile, String locations, String hocon) throws Exception {
        nginx = new Nginx(dir.resolve("nginx"), "", """
                        location = /fixed { return 200 "fixed body\\n"; }
                        location /nginx/ { alias %s/www/; }
                """.formatted(dir.resolve("nginx")) + locations);
        Files.write(dir.resolve("nginx/www/large.bin"), largeFile);
        jdk = new JdkEchoServer();
        proxy = ProxyFixture.proxy(kit, """
                clusters.nginx.endpoints = ["http://127.0.0.1:%d"]
                clusters.jdk.endpoints = ["http://127.0.0.1:%d"]
                routes.jdk { path-prefix = "/echo", cluster = jdk }
                routes.default.cluster = nginx
                """.formatted(nginx.port, jdk.port()) + hocon);
    }

    @Override
    public void close() throws Exception {
        try {
            ProxyFixture.stop(proxy);
        } finally {
            nginx.close();
            jdk.close();
        }
    }
}
