package io.h2relay.proxy;

import io.h2relay.tls.CertificateStore;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Keeps the TLS listeners' certificates following their files: each listener's store is checked on its own timer
 * ({@code tls.reload-interval}) and on demand ({@link ProxyServer#reloadCertificates()}, e.g. on SIGHUP). A certificate
 * that changed and loads is used by new handshakes; connections already open keep theirs (TLS reads certificates only
 * while handshaking). A file that does not load is logged and the previous certificate stays. The files are small
 * and read whole (the store compares SHA-256 digests), on a dispatcher meant for blocking work.
 */
final class CertificateReloader {

    sealed interface Msg {}

    /** Checks one listener now (its timer). */
    private record Check(ListenerTls tls) implements Msg {}

    /** Checks every listener now and completes with what each check did, by listener name. */
    record ReloadNow(CompletableFuture<Map<String, CertificateStore.Reload>> done) implements Msg {}

    enum Stop implements Msg { INSTANCE }

    private CertificateReloader() {}

    static Behavior<Msg> create(List<ListenerTls> listeners) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            for (ListenerTls tls : listeners) {
                Duration every = tls.reloadInterval();
                if (!every.isZero()) {
                    timers.startTimerWithFixedDelay(tls.listener(), new Check(tls), every);
                }
            }
            return Behaviors.receive(Msg.class)
                    .onMessage(Check.class, c -> {
                        check(ctx, c.tls());
                        return Behaviors.same();
                    })
                    .onMessage(ReloadNow.class, r -> {
                        Map<String, CertificateStore.Reload> results = new LinkedHashMap<>();
                        for (ListenerTls tls : listeners) {
                            results.put(tls.listener(), check(ctx, tls));
                        }
                        r.done().complete(results);
                        return Behaviors.same();
                    })
                    .onMessageEquals(Stop.INSTANCE, Behaviors::stopped)
                    .build();
        }));
    }

    private static CertificateStore.Reload check(ActorContext<Msg> ctx, ListenerTls tls) {
        CertificateStore.Reload reload = tls.store().reloadIfChanged();
        for (String source : reload.reloaded()) {
            ctx.getLog().info("listener {}: reloaded the certificate {} (new connections use it)", tls.listener(),
                    source);
        }
        for (String error : reload.errors()) {
            ctx.getLog().warn("listener {}: {}", tls.listener(), error);
        }
        for (String warning : reload.warnings()) {
            ctx.getLog().warn("listener {}: {}", tls.listener(), warning);
        }
        return reload;
    }
}
