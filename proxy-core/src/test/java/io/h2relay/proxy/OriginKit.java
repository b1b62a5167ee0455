package io.h2relay.proxy;

import io.h2relay.origin.OriginServer;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One actor test kit and one origin per test class, optionally a proxy routing everything to it:
 * {@code @RegisterExtension static final OriginKit ORIGIN = new OriginKit();}. JUnit runs an extension's
 * beforeAll before the class's own {@code @BeforeAll} methods and its afterAll after the class's
 * {@code @AfterAll} methods, so a test's own setup may use the origin and its teardown still sees it running.
 */
final class OriginKit implements BeforeAllCallback, AfterAllCallback {

    private final ActorTestKit kit = ActorTestKit.create();
    private final boolean withProxy;
    private OriginServer origin;
    private ProxyServer proxy;

    /** Kit and origin only. */
    OriginKit() {
        this(false);
    }

    private OriginKit(boolean withProxy) {
        this.withProxy = withProxy;
    }

    /** Kit, origin and a proxy with a catch-all route to the origin ({@link ProxyFixture#proxyTo}). */
    static OriginKit withProxy() {
        return new OriginKit(true);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        origin = ProxyFixture.origin(kit);
        if (withProxy) {
            proxy = ProxyFixture.proxyTo(kit, origin.address(), "");
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            if (proxy != null) {
                ProxyFixture.stop(proxy);
            }
            origin.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } finally {
            kit.shutdownTestKit();
        }
    }

    ActorTestKit kit() {
        return kit;
    }

    InetSocketAddress address() {
        return origin.address();
    }

    ProxyServer proxy() {
        return proxy;
    }
}
