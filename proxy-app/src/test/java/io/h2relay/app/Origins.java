package io.h2relay.app;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.h2relay.config.ConfigLoader;
import io.h2relay.config.ProxyConfig;
import io.h2relay.origin.OriginServer;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/** The built-in origin on a free loopback port, in this JVM, for tests. */
final class Origins implements AutoCloseable {

    final ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "test-origin");
    final OriginServer origin;

    Origins() throws Exception {
        ProxyConfig config = ConfigLoader.fromConfig(ConfigFactory.empty()
                .withValue("h2relay.origin.enabled", ConfigValueFactory.fromAnyRef(true))
                .withValue("h2relay.origin.address", ConfigValueFactory.fromAnyRef("127.0.0.1:0")));
        origin = OriginServer.start(system, config).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /** {@code h2c://127.0.0.1:PORT} */
    String h2c() {
        return "h2c://127.0.0.1:" + origin.address().getPort();
    }

    @Override
    public void close() throws Exception {
        origin.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
