package io.h2relay.engine;

import static io.h2relay.engine.FrameFactory.POST;
import static io.h2relay.engine.FrameFactory.REQUEST;
import static io.h2relay.engine.FrameFactory.RESPONSE;
import static io.h2relay.engine.FrameFactory.headers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.frame.ErrorCode;
import io.h2relay.frame.PriorityFields;
import io.h2relay.frame.SettingId;
import io.h2relay.hpack.Header;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Every event type, produced by a scripted exchange, with its fields checked (ENGINE_PARITY rows 12 and 26). */
class EventCatalogueTest {

    @Test
    void aScriptedExchangeProducesEveryEventType() {
        List<Event> all = new ArrayList<>();
        Harness server = Harness.server();
        all.addAll(server.feed(server.peer.headers(1, POST, false, new PriorityFields(0, false, 20)),
                server.peer.data(1, new byte[4], false), server.peer.headers(1, headers("x-t", "1"), true),
                server.peer.ping(3), server.peer.windowUpdate(0, 10), server.peer.settings(0x99, 1),
                server.peer.unknown(0x33, 0, 0, new byte[0]), server.peer.priorityUpdate(1, "u=2"),
                server.peer.headers(3, REQUEST, false), server.peer.rstStream(3, ErrorCode.CANCEL.code()),
                server.peer.settingsAck(), server.peer.goAway(0, 0, "")));
        server.conn.ping(1);
        all.addAll(server.feed(server.peer.pingAck(1)));
        server.conn.updateSettings(FrameFactory.settingsOf(SettingId.MAX_CONCURRENT_STREAMS, 50));
        all.addAll(server.feed(server.peer.settingsAck()));
        server.conn.sendHeaders(1, RESPONSE, false);
        server.conn.queueData(1, ByteBuffer.allocate(100_000), true);
        server.conn.dataToSend();
        all.addAll(server.conn.pendingEvents());
        all.addAll(server.feed(server.peer.windowUpdate(0, 100_000), server.peer.windowUpdate(1, 100_000)));
        server.conn.dataToSend();
        all.addAll(server.conn.pendingEvents());

        Harness client = Harness.clientWithRequest(true);
        all.addAll(client.feed(client.peer.headers(1, headers(":status", "100"), false),
                client.peer.pushPromise(1, 2, REQUEST), client.peer.headers(1, RESPONSE, true),
                client.peer.altSvc(0, "example.com", "h2=\":1\""), client.peer.origin("https://example.com")));

        Set<String> seen = new TreeSet<>();
        all.forEach(e -> seen.add(e.getClass().getSimpleName()));
        Set<String> expected = new TreeSet<>();
        for (Class<?> kind : Event.class.getPermittedSubclasses()) {
            expected.add(kind.getSimpleName());
        }
        assertEquals(expected, seen);
    }

    @Test
    void dataEventsCarryTheBytesAsAReadOnlyView() {
        Harness h = Harness.server();
        h.feed(h.peer.headers(1, POST, false));
        Event.DataReceived d = Harness.only(Event.DataReceived.class, h.feed(h.peer.data(1, new byte[] {1, 2}, false)));
        assertTrue(d.data().isReadOnly());
        assertEquals(2, d.data().remaining());
        assertEquals(1, d.data().get(d.data().position()));
    }

    @Test
    void aNeverIndexedFieldArrivesFlagged() {
        Harness h = Harness.server();
        List<Header> request = new ArrayList<>(REQUEST);
        request.add(new Header("x-secret", "s3cr3t", true));
        Event.RequestReceived r = assertInstanceOf(Event.RequestReceived.class,
                h.feed(h.peer.headers(1, request, true)).get(0));
        assertTrue(r.headers().get(4).neverIndexed());
    }

    @Test
    void remoteSettingsChangedListsOriginalAndNewValues() {
        Harness h = Harness.client();
        Event.RemoteSettingsChanged e = Harness.only(Event.RemoteSettingsChanged.class,
                h.feed(h.peer.settings(SettingId.HEADER_TABLE_SIZE, 100, SettingId.MAX_CONCURRENT_STREAMS, 10)));
        assertEquals(new ChangedSetting(SettingId.HEADER_TABLE_SIZE, 4096L, 100),
                e.changedSettings().get(SettingId.HEADER_TABLE_SIZE));
        assertEquals(List.of(SettingId.HEADER_TABLE_SIZE, SettingId.MAX_CONCURRENT_STREAMS),
                List.copyOf(e.changedSettings().keySet()));
    }
}
