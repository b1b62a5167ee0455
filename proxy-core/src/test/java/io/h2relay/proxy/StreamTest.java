package io.h2relay.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.config.ConfigLoader;
import io.h2relay.config.ProxyConfig;
import io.h2relay.frame.ErrorCode;
import io.h2relay.hpack.Header;
import io.h2relay.io.Transport;
import io.h2relay.proxy.Exchange.Acquire;
import io.h2relay.proxy.Exchange.Attached;
import io.h2relay.proxy.Exchange.Failure;
import io.h2relay.proxy.Exchange.ForStream;
import io.h2relay.proxy.Exchange.RequestConsumed;
import io.h2relay.proxy.Exchange.RequestCredit;
import io.h2relay.proxy.Exchange.RequestData;
import io.h2relay.proxy.Exchange.RequestPart;
import io.h2relay.proxy.Exchange.ResetClientStream;
import io.h2relay.proxy.Exchange.Respond;
import io.h2relay.proxy.Exchange.ResponseData;
import io.h2relay.proxy.Exchange.ResponsePart;
import io.h2relay.proxy.Exchange.StreamEnded;
import io.h2relay.proxy.Exchange.ToDownstream;
import io.h2relay.proxy.Exchange.ToPool;
import io.h2relay.proxy.Exchange.ToUpstream;
import io.h2relay.proxy.Exchange.Unavailable;
import io.h2relay.proxy.Exchange.UpstreamFailed;
import io.h2relay.proxy.Exchange.UpstreamReset;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Stream alone: hosted by a minimal actor that passes everything it sends its connection on to a probe; its pool
 * and upstream connection are test probes.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamTest {

    @JUnit5TestKit
    public ActorTestKit testKit = new JUnit5TestKitBuilder().build();

    private static final ForwardingHeaders.ClientConnection CLIENT = new ForwardingHeaders.ClientConnection(
            new InetSocketAddress("192.0.2.7", 5555), new InetSocketAddress("127.0.0.1", 8080), "http", "2");

    /** Probes standing in for the Stream's neighbours. */
    private final class Rig {
        final TestProbe<ToDownstream> downstream = testKit.createTestProbe();
        final TestProbe<ToPool> pool = testKit.createTestProbe();
        final TestProbe<ToUpstream> upstream = testKit.createTestProbe();
        final ProxyContext pc;

        Rig(String hocon) {
            ProxyConfig config = ConfigLoader.parse("h2relay {\n" + hocon + "\n}", "test");
            pc = new ProxyContext(Router.of(config), Map.of("c", pool.ref()),
                    new ForwardingHeaders(config.forwarding()), config.flowControl(), config.timeouts(),
                    EngineSettings.server(config.flowControl(), config.limits(), true),
                    EngineSettings.client(config.flowControl(), config.limits()), ProxyContext.retainLimit(config),
                    new ProxyMetrics(), Transport.fromConfig(testKit.system()));
        }

        Rig() {
            this(CLUSTER + "routes.api { path-prefix = \"/api\", rewrite-prefix = \"/\", cluster = c }");
        }

        StreamRef stream(String path, RequestPart first) {
            List<Header> head = List.of(Header.of(":method", "POST"), Header.of(":scheme", "http"),
                    Header.of(":authority", "example.com"), Header.of(":path", path));
            CompletableFuture<StreamRef> started = new CompletableFuture<>();
            testKit.spawn(Behaviors.<ToDownstream>setup(ctx -> Behaviors.withTimers(timers ->
                    new ProbeHost(ctx, timers, downstream.ref(), host -> started.complete(
                            Stream.start(pc, host, 1, head, first, ClientSide.of("", CLIENT)).ref())))));
            return started.orTimeout(10, TimeUnit.SECONDS).join();
        }

        <T extends ToDownstream> T expectDownstream(Class<T> type) {
            return assertInstanceOf(type, downstream.receiveMessage());
        }
    }

    /** Hosts one Stream: delivers what is sent to it, passes what it sends its connection on to {@code probe}. */
    private static final class ProbeHost extends AbstractBehavior<ToDownstream> {
        private final HostedStreams hosted;
        private final ActorRef<ToDownstream> probe;

        ProbeHost(ActorContext<ToDownstream> ctx, TimerScheduler<ToDownstream> timers, ActorRef<ToDownstream> probe,
                Consumer<Stream.Host> start) {
            super(ctx);
            this.hosted = new HostedStreams(ctx, timers);
            this.probe = probe;
            start.accept(hosted);
            passOn();
        }

        @Override
        public Receive<ToDownstream> createReceive() {
            return newReceiveBuilder()
                    .onMessage(ForStream.class, f -> {
                        f.to().stream.receive(f.message());
                        return passOn();
                    })
                    .onMessageEquals(RequestDeadlines.Tick.INSTANCE, () -> {
                        hosted.deadlines().fire();
                        return passOn();
                    })
                    .build();
        }

        private ProbeHost passOn() {
            ToDownstream m;
            while ((m = hosted.poll()) != null) {
                probe.tell(m);
            }
            hosted.flush();
            return this;
        }
    }

    private static final String CLUSTER = "clusters.c.endpoints = [\"h2c://127.0.0.1:9\"]\n";

    private static RequestPart body(int bytes, boolean end) {
        return new RequestPart(List.of(ByteBuffer.allocate(bytes)), bytes, null, end);
    }

    private static ResponsePart head(String status, boolean end) {
        return new ResponsePart(List.of(), List.of(Header.of(":status", status)), List.of(), 0, null, end);
    }

    private static String status(Respond r) {
        return r.part().head().stream().filter(h -> h.name().equals(":status")).findFirst().orElseThrow().value();
    }

    @Test
    void answers404AndStopsTheUploadWhenNoRouteTakesThePath() {
        Rig rig = new Rig();
        rig.stream("/other", body(10, false));
        assertEquals("404", status(rig.expectDownstream(Respond.class)));
        assertEquals(ErrorCode.NO_ERROR.code(), rig.expectDownstream(ResetClientStream.class).errorCode());
    }

    @Test
    void asksThePoolWithTheRewrittenPathAndForwardingFields() {
        Rig rig = new Rig();
        rig.stream("/api/users?id=1", RequestPart.END);
        Acquire a = assertInstanceOf(Acquire.class, rig.pool.receiveMessage());
        assertTrue(a.head().contains(Header.of(":path", "/users?id=1")), a.head().toString());
        assertTrue(a.head().contains(Header.of("x-forwarded-for", "192.0.2.7")), a.head().toString());
        assertTrue(a.head().contains(Header.of("via", "2 h2relay")), a.head().toString());
        assertEquals(0, a.attempt());
        assertTrue(a.first().end());
    }

    @Test
    void withholdsCreditForRetainedBytesUntilTheResponseHead() {
        Rig rig = new Rig();
        StreamRef s = rig.stream("/api/x", body(1000, true));
        rig.pool.receiveMessage();
        s.tell(new Attached(rig.upstream.ref(), 7));
        s.tell(new RequestCredit(1000));
        s.tell(new ResponseData(head("200", false)));
        // Had the credit gone on at once, it would have overtaken the response.
        assertEquals("200", status(rig.expectDownstream(Respond.class)));
        assertEquals(1000, rig.expectDownstream(RequestConsumed.class).bytes());
    }

    @Test
    void retriesARequestTheBackendDidNotProcessWithEverythingSentSoFar() {
        Rig rig = new Rig();
        StreamRef s = rig.stream("/api/x", body(300, false));
        Acquire first = assertInstanceOf(Acquire.class, rig.pool.receiveMessage());
        assertEquals(300, first.first().bytes());
        s.tell(new Attached(rig.upstream.ref(), 1));
        s.tell(new RequestData(body(200, true)));
        assertInstanceOf(Exchange.Send.class, rig.upstream.receiveMessage());
        s.tell(new UpstreamReset(ErrorCode.REFUSED_STREAM.code(), true, true));
        Acquire again = assertInstanceOf(Acquire.class, rig.pool.receiveMessage());
        assertEquals(1, again.attempt());
        assertEquals(500, again.first().bytes());
        assertTrue(again.first().end());
    }

    @Test
    void passesTheResetOnWhenTheBodyIsTooLargeToRetry() {
        Rig rig = new Rig();
        int tooLarge = rig.pc.retainLimit() + 1;
        StreamRef s = rig.stream("/api/x", body(tooLarge, true));
        rig.pool.receiveMessage();
        s.tell(new Attached(rig.upstream.ref(), 1));
        s.tell(new UpstreamReset(ErrorCode.REFUSED_STREAM.code(), true, true));
        assertEquals(ErrorCode.REFUSED_STREAM.code(), rig.expectDownstream(ResetClientStream.class).errorCode());
    }

    @Test
    void answers504AndCancelsTheBackendStreamOnTimeout() {
        Rig rig = new Rig(CLUSTER + "routes.all { cluster = c, timeout = 50ms }");
        StreamRef s = rig.stream("/slow", RequestPart.END);
        rig.pool.receiveMessage();
        s.tell(new Attached(rig.upstream.ref(), 5));
        Exchange.Cancel cancel = assertInstanceOf(Exchange.Cancel.class, rig.upstream.receiveMessage());
        assertEquals(5, cancel.streamId());
        assertEquals(ErrorCode.CANCEL.code(), cancel.errorCode());
        assertEquals("504", status(rig.expectDownstream(Respond.class)));
    }

    @Test
    void anUnreachableBackendIs502AndABusyOne503() {
        Rig rig = new Rig();
        StreamRef s = rig.stream("/api/x", RequestPart.END);
        rig.pool.receiveMessage();
        s.tell(new UpstreamFailed(Failure.CONNECT_FAILED));
        assertEquals("502", status(rig.expectDownstream(Respond.class)));
        rig.expectDownstream(StreamEnded.class);

        StreamRef busy = rig.stream("/api/y", RequestPart.END);
        rig.pool.receiveMessage();
        busy.tell(new Unavailable(false));
        assertEquals("503", status(rig.expectDownstream(Respond.class)));
    }

    @Test
    void aConnectFailureWithAnotherEndpointLeftIsRetriedThere() {
        Rig rig = new Rig("clusters.c.endpoints = [\"h2c://127.0.0.1:9\", \"h2c://127.0.0.1:10\"]\n"
                + "routes.all.cluster = c");
        StreamRef s = rig.stream("/x", RequestPart.END);
        rig.pool.receiveMessage();
        s.tell(new UpstreamFailed(Failure.CONNECT_FAILED));
        Acquire again = assertInstanceOf(Acquire.class, rig.pool.receiveMessage());
        assertTrue(again.afterConnectFailure());
        s.tell(new Unavailable(true));
        assertEquals("502", status(rig.expectDownstream(Respond.class)), "no endpoint left to try");
    }

    @Test
    void aClientResetIsPassedToTheBackendWithItsCode() {
        Rig rig = new Rig();
        StreamRef s = rig.stream("/api/x", body(10, false));
        rig.pool.receiveMessage();
        s.tell(new Attached(rig.upstream.ref(), 3)); // the body so far went with the Acquire
        s.tell(new Exchange.ClientReset(ErrorCode.CANCEL.code()));
        Exchange.Cancel cancel = assertInstanceOf(Exchange.Cancel.class, rig.upstream.receiveMessage());
        assertEquals(ErrorCode.CANCEL.code(), cancel.errorCode());
        rig.expectDownstream(StreamEnded.class);
        assertTrue(s.gone());
    }

    @Test
    void theResponseHeadCrossesWithoutConnectionFieldsAndWithVia() {
        Rig rig = new Rig();
        StreamRef s = rig.stream("/api/x", RequestPart.END);
        rig.pool.receiveMessage();
        s.tell(new Attached(rig.upstream.ref(), 1));
        s.tell(new ResponseData(new ResponsePart(List.of(), List.of(Header.of(":status", "200"),
                Header.of("keep-alive", "timeout=5"), Header.of("x-app", "1")), List.of(), 0, null, true)));
        List<Header> relayed = rig.expectDownstream(Respond.class).part().head();
        assertFalse(relayed.stream().anyMatch(h -> h.name().equals("keep-alive")), relayed.toString());
        assertTrue(relayed.contains(Header.of("x-app", "1")));
        assertTrue(relayed.contains(Header.of("via", "2 h2relay")));
    }

    @Test
    void aFaultWhileHandlingTheExchangeResetsThatStreamAndEndsIt() {
        // The route's cluster has no pool in this context: handing the request on throws inside the Stream.
        Rig rig = new Rig(CLUSTER + "clusters.d.endpoints = [\"h2c://127.0.0.1:9\"]\n"
                + "routes.all { cluster = d }");
        StreamRef s = rig.stream("/x", RequestPart.END);
        assertEquals(ErrorCode.INTERNAL_ERROR.code(), rig.expectDownstream(ResetClientStream.class).errorCode());
        rig.expectDownstream(StreamEnded.class);
        assertTrue(s.gone());
        rig.pool.expectNoMessage();
    }

    @Test
    void aResponseHeadBeforeTheDeadlineLeavesNoTimeoutBehind() {
        Rig rig = new Rig(CLUSTER + "routes.all { cluster = c, timeout = 50ms }");
        StreamRef s = rig.stream("/quick", RequestPart.END);
        rig.pool.receiveMessage();
        s.tell(new Attached(rig.upstream.ref(), 5));
        s.tell(new ResponseData(head("200", false)));
        assertEquals("200", status(rig.expectDownstream(Respond.class)));
        // Well past the deadline: no 504, no cancel.
        rig.downstream.expectNoMessage(java.time.Duration.ofMillis(300));
        rig.upstream.expectNoMessage();
    }
}
