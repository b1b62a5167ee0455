package io.h2relay.io;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.Done;

/** A listening socket. Unbinding stops accepting; connections already accepted carry on. */
public final class Binding {

    private final InetSocketAddress localAddress;
    private final Supplier<CompletionStage<Done>> unbind;

    Binding(InetSocketAddress localAddress, Supplier<CompletionStage<Done>> unbind) {
        this.localAddress = localAddress;
        this.unbind = unbind;
    }

    /** The address actually bound (the chosen port when asked for port 0). */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    public CompletionStage<Done> unbind() {
        return unbind.get();
    }
}
