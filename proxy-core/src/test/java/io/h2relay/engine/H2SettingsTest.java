package io.h2relay.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.frame.ErrorCode;
import io.h2relay.frame.SettingId;
import io.h2relay.frame.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Mirrors h2's test_settings.py, with FIFO acknowledgement instead of h2's all-at-once (ENGINE_PARITY D7). */
class H2SettingsTest {

    @Test
    void remoteSettingsStartAtTheirRfcInitialValues() {
        H2Settings s = H2Settings.remote(true);
        assertEquals(4096, s.headerTableSize());
        assertTrue(s.enablePush());
        assertEquals(H2Settings.UNLIMITED, s.maxConcurrentStreams());
        assertEquals(65535, s.initialWindowSize());
        assertEquals(16384, s.maxFrameSize());
        assertEquals(H2Settings.UNLIMITED, s.maxHeaderListSize());
        assertFalse(s.enableConnectProtocol());
        assertFalse(s.noRfc7540Priorities());
        assertEquals(-1, s.get(0x99));
    }

    @Test
    void localLimitsOnThePeerApplyAtOnceAndTheRestWaitForTheAck() {
        H2Configuration config = H2Configuration.builder(false).initialWindowSize(1 << 20).maxFrameSize(1 << 20)
                .maxConcurrentStreams(10).build();
        H2Settings s = H2Settings.local(config);
        assertEquals(10, s.maxConcurrentStreams());
        assertEquals(65536, s.maxHeaderListSize());
        assertFalse(s.enablePush());
        assertEquals(65535, s.initialWindowSize());
        assertEquals(16384, s.maxFrameSize());
        s.queue(H2Settings.initialFrame(config));
        Map<Integer, ChangedSetting> changed = s.acknowledge();
        assertEquals(new ChangedSetting(SettingId.INITIAL_WINDOW_SIZE, 65535L, 1 << 20),
                changed.get(SettingId.INITIAL_WINDOW_SIZE));
        assertEquals(1 << 20, s.initialWindowSize());
        assertEquals(1 << 20, s.maxFrameSize());
    }

    @Test
    void theInitialFrameCarriesEveryLocalSetting() {
        Settings frame = H2Settings.initialFrame(H2Configuration.server());
        assertEquals(8, frame.size());
        assertEquals(4096L, frame.get(SettingId.HEADER_TABLE_SIZE));
        assertEquals(0L, frame.get(SettingId.ENABLE_PUSH));
        assertEquals(65535L, frame.get(SettingId.INITIAL_WINDOW_SIZE));
        assertEquals(16384L, frame.get(SettingId.MAX_FRAME_SIZE));
        assertEquals(0L, frame.get(SettingId.ENABLE_CONNECT_PROTOCOL));
        assertEquals(100L, frame.get(SettingId.MAX_CONCURRENT_STREAMS));
        assertEquals(65536L, frame.get(SettingId.MAX_HEADER_LIST_SIZE));
        assertEquals(1L, frame.get(SettingId.NO_RFC7540_PRIORITIES));
        Settings rfc7540 = H2Settings.initialFrame(H2Configuration.builder(true).rfc7540Priorities(true).build());
        assertEquals(7, rfc7540.size());
        assertEquals(1L, rfc7540.get(SettingId.ENABLE_PUSH));
    }

    @Test
    void eachAckAppliesExactlyTheOldestOutstandingFrame() {
        H2Settings s = H2Settings.local(H2Configuration.client());
        s.queue(new Settings().put(SettingId.MAX_FRAME_SIZE, 20000));
        s.queue(new Settings().put(SettingId.INITIAL_WINDOW_SIZE, 1000));
        assertEquals(2, s.pendingFrames());
        Map<Integer, ChangedSetting> first = s.acknowledge();
        assertEquals(Map.of(SettingId.MAX_FRAME_SIZE, new ChangedSetting(SettingId.MAX_FRAME_SIZE, 16384L, 20000)),
                first);
        assertEquals(20000, s.maxFrameSize());
        assertEquals(65535, s.initialWindowSize());
        Map<Integer, ChangedSetting> second = s.acknowledge();
        assertEquals(1000, s.initialWindowSize());
        assertEquals(1, second.size());
        assertNull(s.acknowledge());
    }

    @Test
    void receivedSettingsApplyAtOnceAndReportOriginalValues() {
        H2Settings s = H2Settings.remote(false);
        Map<Integer, ChangedSetting> changed = s.applyReceived(new Settings()
                .put(SettingId.MAX_CONCURRENT_STREAMS, 50).put(0x99, 7));
        assertEquals(new ChangedSetting(SettingId.MAX_CONCURRENT_STREAMS, H2Settings.UNLIMITED, 50),
                changed.get(SettingId.MAX_CONCURRENT_STREAMS));
        assertEquals(new ChangedSetting(0x99, null, 7), changed.get(0x99));
        assertEquals(50, s.maxConcurrentStreams());
        assertEquals(7, s.get(0x99));
    }

    @Test
    void aRepeatedIdInOneFrameKeepsTheFirstOriginal() {
        H2Settings s = H2Settings.remote(false);
        Settings frame = new Settings().put(SettingId.HEADER_TABLE_SIZE, 100);
        frame.put(SettingId.MAX_FRAME_SIZE, 20000);
        Map<Integer, ChangedSetting> changed = s.applyReceived(frame);
        assertEquals(4096L, changed.get(SettingId.HEADER_TABLE_SIZE).originalValue());
    }

    @Test
    void valuesOutsideTheirRangesAreRejectedWithTheRightCode() {
        assertCode(ErrorCode.PROTOCOL_ERROR, SettingId.ENABLE_PUSH, 2, false);
        assertCode(ErrorCode.FLOW_CONTROL_ERROR, SettingId.INITIAL_WINDOW_SIZE, 1L << 31, false);
        assertCode(ErrorCode.PROTOCOL_ERROR, SettingId.MAX_FRAME_SIZE, 16383, false);
        assertCode(ErrorCode.PROTOCOL_ERROR, SettingId.MAX_FRAME_SIZE, 1 << 24, false);
        assertCode(ErrorCode.PROTOCOL_ERROR, SettingId.ENABLE_CONNECT_PROTOCOL, 2, false);
        assertCode(ErrorCode.PROTOCOL_ERROR, SettingId.NO_RFC7540_PRIORITIES, 2, false);
        // a client receiving ENABLE_PUSH=1 from the server (RFC 9113 §6.5.2)
        assertCode(ErrorCode.PROTOCOL_ERROR, SettingId.ENABLE_PUSH, 1, true);
    }

    @Test
    void boundaryValuesAreAccepted() {
        H2Settings s = H2Settings.remote(false);
        s.applyReceived(new Settings().put(SettingId.INITIAL_WINDOW_SIZE, Integer.MAX_VALUE)
                .put(SettingId.MAX_FRAME_SIZE, (1 << 24) - 1).put(SettingId.ENABLE_PUSH, 1)
                .put(SettingId.HEADER_TABLE_SIZE, 0xffffffffL));
        assertEquals(Integer.MAX_VALUE, s.initialWindowSize());
        assertEquals((1 << 24) - 1, s.maxFrameSize());
    }

    @Test
    void anInvalidFrameAppliesNothing() {
        H2Settings s = H2Settings.remote(false);
        assertThrows(InvalidSettingsValueError.class, () -> s.applyReceived(new Settings()
                .put(SettingId.HEADER_TABLE_SIZE, 0).put(SettingId.MAX_FRAME_SIZE, 1)));
        assertEquals(4096, s.headerTableSize());
    }

    @Test
    void extendedConnectCannotBeWithdrawn() {
        H2Settings s = H2Settings.remote(true);
        s.applyReceived(new Settings().put(SettingId.ENABLE_CONNECT_PROTOCOL, 1));
        InvalidSettingsValueError e = assertThrows(InvalidSettingsValueError.class,
                () -> s.applyReceived(new Settings().put(SettingId.ENABLE_CONNECT_PROTOCOL, 0)));
        assertEquals(ErrorCode.PROTOCOL_ERROR.code(), e.errorCode());
    }

    @Test
    void noRfc7540PrioritiesCannotChange() {
        H2Settings s = H2Settings.remote(true);
        s.applyReceived(new Settings().put(SettingId.NO_RFC7540_PRIORITIES, 1));
        s.applyReceived(new Settings().put(SettingId.NO_RFC7540_PRIORITIES, 1));
        assertThrows(InvalidSettingsValueError.class,
                () -> s.applyReceived(new Settings().put(SettingId.NO_RFC7540_PRIORITIES, 0)));
        H2Settings local = H2Settings.local(H2Configuration.server());
        assertThrows(InvalidSettingsValueError.class,
                () -> local.validateOutgoing(new Settings().put(SettingId.NO_RFC7540_PRIORITIES, 0)));
    }

    @Test
    void aServerCannotQueueEnablePush() {
        H2Settings local = H2Settings.local(H2Configuration.server());
        assertThrows(InvalidSettingsValueError.class,
                () -> local.validateOutgoing(new Settings().put(SettingId.ENABLE_PUSH, 1)));
        H2Settings.local(H2Configuration.client()).validateOutgoing(new Settings().put(SettingId.ENABLE_PUSH, 1));
    }

    private static void assertCode(ErrorCode code, int id, long value, boolean weAreClient) {
        H2Settings s = H2Settings.remote(weAreClient);
        InvalidSettingsValueError e = assertThrows(InvalidSettingsValueError.class,
                () -> s.applyReceived(new Settings().put(id, value)));
        assertEquals(code.code(), e.errorCode(), SettingId.nameOf(id) + "=" + value);
    }
}
