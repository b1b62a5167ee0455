package io.h2relay.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.frame.ErrorCode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** h2's test_config.py and test_exceptions.py (ENGINE_PARITY rows 29 and 68). */
class ConfigurationAndErrorsTest {

    @Test
    void defaultsFollowH2AndNghttp2() {
        H2Configuration c = H2Configuration.client();
        assertTrue(c.clientSide());
        assertTrue(c.validateInboundHeaders() && c.normalizeInboundHeaders());
        assertTrue(c.validateOutboundHeaders() && c.normalizeOutboundHeaders());
        assertFalse(c.splitOutboundCookies());
        assertTrue(c.enablePush());
        assertEquals(4096, c.headerTableSize());
        assertEquals(100, c.maxConcurrentStreams());
        assertEquals(65535, c.initialWindowSize());
        assertEquals(16384, c.maxFrameSize());
        assertEquals(65536, c.maxHeaderListSize());
        assertFalse(c.enableConnectProtocol());
        assertFalse(H2Configuration.server().enablePush());
        AbuseLimits l = c.limits();
        assertEquals(new RateLimit(1000, 33), l.peerResets());
        assertEquals(8, l.maxContinuationFrames());
        assertEquals(1000, l.maxQueuedControlFrames());
        assertEquals(100, l.maxHeaderCount());
        assertEquals(32, l.maxSettingsPerFrame());
        assertEquals(65536, l.maxClosedStreams());
        assertEquals(new RateLimit(1000, 100), l.extensionFrames());
        assertEquals(new RateLimit(100, 10), l.headerListOverflows());
        assertEquals(200, l.maxReservedRemoteStreams());
    }

    @Test
    void theEarlierLimitsConstructorGivesTheNewerLimitsTheirDefaults() {
        AbuseLimits d = AbuseLimits.DEFAULT;
        AbuseLimits old = new AbuseLimits(d.maxHeaderCount(), d.maxHeaderBlockBytes(), d.maxContinuationFrames(),
                d.peerResets(), d.localResets(), d.pings(), d.settingsFrames(), d.maxSettingsPerFrame(),
                d.maxConsecutiveEmptyFrames(), d.windowUpdatesPerDataFrame(), d.priorityFramesPerStream(),
                d.maxQueuedControlFrames(), d.maxOutboundBufferBytes(), d.maxClosedStreams(),
                d.maxTrackedPriorities());
        assertEquals(d, old);
        assertThrows(IllegalArgumentException.class, () -> AbuseLimits.builder().maxReservedRemoteStreams(-1).build());
    }

    @Test
    void headerSwitchesMapOntoTheHeaderRules() {
        assertEquals(HeaderRulesOptions.DEFAULT, H2Configuration.server().headerRulesOptions());
        assertEquals(new HeaderRulesOptions(false, true, true, false, true), H2Configuration.builder(true)
                .validateInboundHeaders(false).normalizeOutboundHeaders(false).splitOutboundCookies(true).build()
                .headerRulesOptions());
    }

    @Test
    void invalidValuesAreRefusedAtBuildTime() {
        assertThrows(IllegalArgumentException.class, () -> H2Configuration.builder(true).maxFrameSize(100).build());
        assertThrows(IllegalArgumentException.class, () -> H2Configuration.builder(false).enablePush(true).build());
        assertThrows(IllegalArgumentException.class, () -> H2Configuration.builder(true).initialWindowSize(-1).build());
        assertThrows(IllegalArgumentException.class, () -> AbuseLimits.builder().maxHeaderCount(0).build());
        assertThrows(IllegalArgumentException.class, () -> new RateLimit(0, 1));
    }

    @Test
    void buildersRoundTrip() {
        H2Configuration c = H2Configuration.builder(false).splitOutboundCookies(true).maxConcurrentStreams(7)
                .limits(AbuseLimits.builder().pings(new RateLimit(5, 1)).build()).build();
        assertEquals(c, c.toBuilder().build());
        assertEquals(c.limits(), c.limits().toBuilder().build());
    }

    @Test
    void eachErrorCarriesItsRfcCode() {
        Map<H2Error, ErrorCode> expected = Map.ofEntries(
                Map.entry(new ProtocolError("x"), ErrorCode.PROTOCOL_ERROR),
                Map.entry(new FlowControlError("x"), ErrorCode.FLOW_CONTROL_ERROR),
                Map.entry(new StreamClosedError(1), ErrorCode.STREAM_CLOSED),
                Map.entry(new NoSuchStreamError(1), ErrorCode.PROTOCOL_ERROR),
                Map.entry(new TooManyStreamsError("x"), ErrorCode.PROTOCOL_ERROR),
                Map.entry(new FrameTooLargeError("x"), ErrorCode.FRAME_SIZE_ERROR),
                Map.entry(new StreamIdTooLowError(1, 3), ErrorCode.PROTOCOL_ERROR),
                Map.entry(new NoAvailableStreamIdError("x"), ErrorCode.PROTOCOL_ERROR),
                Map.entry(new InvalidSettingsValueError("x", ErrorCode.FLOW_CONTROL_ERROR),
                        ErrorCode.FLOW_CONTROL_ERROR),
                Map.entry(new InvalidBodyLengthError(3, 4), ErrorCode.PROTOCOL_ERROR),
                Map.entry(new DenialOfServiceError("x"), ErrorCode.ENHANCE_YOUR_CALM));
        expected.forEach((error, code) -> assertEquals(code.code(), error.errorCode(), error.getClass().getName()));
        assertInstanceOf(NoSuchStreamError.class, new StreamClosedError(1));
        assertFalse(ProtocolError.class.isInstance(new Rfc1122Error("x")));
        assertEquals("stream id 1 is not above the highest stream id 3", new StreamIdTooLowError(1, 3).getMessage());
        assertEquals(List.of(3L, 4L), List.of(new InvalidBodyLengthError(3, 4).expected(),
                new InvalidBodyLengthError(3, 4).actual()));
    }
}
