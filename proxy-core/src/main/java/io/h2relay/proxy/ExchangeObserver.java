package io.h2relay.proxy;

/**
 * Told about every exchange the proxy handled, once, when it ends (the access log, the HAR recorder). Registered with
 * {@link ProxyServer#start(org.apache.pekko.actor.typed.ActorSystem, io.h2relay.config.ProxyConfig, java.util.List)}.
 *
 * <p>Called on the client connection actor's thread (where the Stream lives): an implementation must not block (queue
 * the record and return), and must not throw (an exception is logged and the record is lost for this observer
 * only).
 */
public interface ExchangeObserver {

    void exchangeEnded(ExchangeRecord record);

    /**
     * Body bytes of each direction to keep in the record for requests taken by {@code routeName} (0: none, the
     * default). Asked once per exchange when its route is known; requests no route takes never capture bodies.
     */
    default int captureLimit(String routeName) {
        return 0;
    }
}
