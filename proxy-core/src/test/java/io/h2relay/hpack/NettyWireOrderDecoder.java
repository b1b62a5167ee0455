package io.h2relay.hpack;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

/**
 * Netty's HPACK decoder (through {@link DefaultHttp2HeadersDecoder}) reporting fields in wire order: Netty's own
 * {@code DefaultHttp2Headers} moves pseudo-headers to the front, which would hide an ordering bug of ours. The
 * headers object handed to Netty's decoder records each {@code add(name, value)} call in order.
 */
final class NettyWireOrderDecoder extends DefaultHttp2HeadersDecoder {

    private List<Header> fields;

    NettyWireOrderDecoder() {
        super(false, 1L << 24);
    }

    List<Header> decode(ByteBuf block) throws Http2Exception {
        fields = new ArrayList<>();
        decodeHeaders(1, block);
        return fields;
    }

    @Override
    protected Http2Headers newHeaders() {
        List<Header> sink = fields;
        return (Http2Headers) Proxy.newProxyInstance(Http2Headers.class.getClassLoader(),
                new Class<?>[] {Http2Headers.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "add":
                            if (args.length == 2 && args[1] instanceof CharSequence value) {
                                sink.add(Header.of(args[0].toString(), value.toString()));
                                return proxy;
                            }
                            break;
                        case "size":
                            return sink.size();
                        case "isEmpty":
                            return sink.isEmpty();
                        case "hashCode":
                            return System.identityHashCode(proxy);
                        case "equals":
                            return proxy == args[0];
                        case "toString":
                            return sink.toString();
                        default:
                            break;
                    }
                    throw new UnsupportedOperationException("Netty called " + method);
                });
    }
}
