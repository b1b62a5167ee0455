package io.h2relay.app;

import java.net.Inet6Address;
import java.net.InetSocketAddress;

/** Bound addresses as the start-up lines print them. */
final class Addresses {

    private Addresses() {}

    /** {@code 127.0.0.1:8080}, {@code [::1]:8080}. */
    static String show(InetSocketAddress a) {
        String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
        int zone = host.indexOf('%');
        if (zone >= 0) {
            host = host.substring(0, zone);
        }
        return (a.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
