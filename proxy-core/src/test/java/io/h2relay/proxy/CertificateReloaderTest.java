package io.h2relay.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.h2relay.config.ConfigLoader;
import io.h2relay.config.ListenerConfig;
import io.h2relay.tls.CertificateStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The reload timer, on manual time: no waiting on the clock. */
class CertificateReloaderTest {

    private static final ActorTestKit KIT = ActorTestKit.create(ManualTime.config().withFallback(ConfigFactory.load()));
    private static final ManualTime TIME = ManualTime.get(KIT.system());

    @TempDir
    Path dir;

    @AfterAll
    static void shutDown() {
        KIT.shutdownTestKit();
    }

    @Test
    void theTimerSwapsInChangedFilesAndLeavesOthersAlone() throws Exception {
        TestCertificates.Pair one = TestCertificates.selfSigned(dir, "one.test", TestCertificates.Key.SEC1_EC);
        TestCertificates.Pair two = TestCertificates.selfSigned(dir, "two.test", TestCertificates.Key.SEC1_EC);
        Path cert = Files.copy(one.certificate(), dir.resolve("live.pem"));
        Path key = Files.copy(one.key(), dir.resolve("live.key"));
        ListenerConfig listener = ConfigLoader.parse("""
                h2relay.listeners.secure {
                  address = "127.0.0.1:0"
                  tls { certificates = [{ certificate-chain = "%s", private-key = "%s" }], reload-interval = 5s }
                }
                """.formatted(cert, key), "test").listener("secure").orElseThrow();
        ListenerTls tls = ListenerTls.create(listener, dir, LoggerFactory.getLogger(getClass()));
        ActorRef<CertificateReloader.Msg> reloader = KIT.spawn(CertificateReloader.create(List.of(tls)));
        assertFalse(reloadNow(reloader).get("secure").changed(), "nothing changed yet (and the timer is set)");

        Files.copy(two.key(), key, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(two.certificate(), cert, StandardCopyOption.REPLACE_EXISTING);
        TIME.timePasses(Duration.ofSeconds(4));
        assertEquals("one.test", servedName(tls), "not before the interval");
        TIME.timePasses(Duration.ofSeconds(1));
        // The timer's check was queued before this request, so it has run when the answer comes.
        assertFalse(reloadNow(reloader).get("secure").changed(), "the timer had reloaded already");
        assertEquals("two.test", servedName(tls));

        Files.writeString(cert, "garbage\n");
        TIME.timePasses(Duration.ofSeconds(5));
        Map<String, CertificateStore.Reload> after = reloadNow(reloader);
        assertTrue(after.get("secure").errors().isEmpty(), "the timer reported the broken file once, not again");
        assertEquals("two.test", servedName(tls), "a broken file keeps the certificate in use");
    }

    private static Map<String, CertificateStore.Reload> reloadNow(ActorRef<CertificateReloader.Msg> reloader)
            throws Exception {
        CompletableFuture<Map<String, CertificateStore.Reload>> done = new CompletableFuture<>();
        reloader.tell(new CertificateReloader.ReloadNow(done));
        return done.get(10, TimeUnit.SECONDS);
    }

    private static String servedName(ListenerTls tls) {
        return tls.store().certificates().get(0).leaf().getSubjectX500Principal().getName().replace("CN=", "");
    }
}
