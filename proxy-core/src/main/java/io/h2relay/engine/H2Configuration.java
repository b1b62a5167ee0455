package io.h2relay.engine;

import java.util.Objects;

/**
 * Everything an {@link H2Connection} is built with (python h2's {@code H2Configuration}, plus the local SETTINGS and
 * the abuse limits h2 lacks). Immutable; use {@link #client()}, {@link #server()} or {@link #builder(boolean)}.
 *
 * <p>Header fields are always {@link io.h2relay.hpack.Header}s whose strings hold one char per octet (ISO-8859-1),
 * so h2's {@code header_encoding} choice between bytes and text has no counterpart: both views are the same object.
 *
 * @param clientSide our role: drives stream-id parity, which header rules apply and who may push
 * @param validateInboundHeaders RFC 9113 §8.2–8.3 checks on received blocks; a violation is a stream error
 * @param normalizeInboundHeaders join received {@code cookie} fields with "; " (RFC 9113 §8.2.3)
 * @param validateOutboundHeaders the same checks on blocks we send, illegal characters included
 * @param normalizeOutboundHeaders lowercase names, trim values, drop connection-specific fields, mark secrets
 *     never-indexed
 * @param splitOutboundCookies send each cookie pair as its own field so HPACK indexes them separately (§8.2.3)
 * @param respondToMalformedRequests a server answers a malformed request with {@code 400} (an over-long header list
 *     with {@code 431}) before resetting the stream, as RFC 9113 §8.1.1 allows
 * @param headerTableSize local SETTINGS_HEADER_TABLE_SIZE: the HPACK table the peer's encoder may use
 * @param enablePush local SETTINGS_ENABLE_PUSH (a server always sends 0)
 * @param maxConcurrentStreams local SETTINGS_MAX_CONCURRENT_STREAMS; streams beyond it are refused
 * @param initialWindowSize local SETTINGS_INITIAL_WINDOW_SIZE: each inbound stream window
 * @param maxFrameSize local SETTINGS_MAX_FRAME_SIZE: the largest frame we accept
 * @param maxHeaderListSize local SETTINGS_MAX_HEADER_LIST_SIZE, enforced from the first byte (as h2 does)
 * @param enableConnectProtocol local SETTINGS_ENABLE_CONNECT_PROTOCOL (RFC 8441): we accept extended CONNECT
 * @param rfc7540Priorities schedule by the RFC 7540 dependency tree; when false (the default) we announce
 *     SETTINGS_NO_RFC7540_PRIORITIES=1 and schedule by RFC 9218 urgency
 * @param limits the abuse budgets
 */
public record H2Configuration(
        boolean clientSide,
        boolean validateInboundHeaders,
        boolean normalizeInboundHeaders,
        boolean validateOutboundHeaders,
        boolean normalizeOutboundHeaders,
        boolean splitOutboundCookies,
        boolean respondToMalformedRequests,
        int headerTableSize,
        boolean enablePush,
        long maxConcurrentStreams,
        int initialWindowSize,
        int maxFrameSize,
        int maxHeaderListSize,
        boolean enableConnectProtocol,
        boolean rfc7540Priorities,
        AbuseLimits limits) {

    public H2Configuration {
        Objects.requireNonNull(limits, "limits");
        check(headerTableSize >= 0, "headerTableSize must not be negative");
        check(maxConcurrentStreams >= 0 && maxConcurrentStreams <= 0xffffffffL, "maxConcurrentStreams out of range");
        check(initialWindowSize >= 0, "initialWindowSize must be 0..2^31-1");
        check(maxFrameSize >= 16384 && maxFrameSize <= 16777215,
                "maxFrameSize must be 2^14..2^24-1 (RFC 9113 §6.5.2)");
        check(maxHeaderListSize >= 0, "maxHeaderListSize must not be negative");
        check(!(enablePush && !clientSide), "a server must not enable push (RFC 9113 §6.5.2)");
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** The header switches as {@link HeaderRules} takes them. */
    public HeaderRulesOptions headerRulesOptions() {
        return new HeaderRulesOptions(validateInboundHeaders, normalizeInboundHeaders, validateOutboundHeaders,
                normalizeOutboundHeaders, splitOutboundCookies);
    }

    /** Client defaults: push enabled, as h2. */
    public static H2Configuration client() {
        return builder(true).build();
    }

    public static H2Configuration server() {
        return builder(false).build();
    }

    public static Builder builder(boolean clientSide) {
        return new Builder(clientSide);
    }

    public Builder toBuilder() {
        Builder b = new Builder(clientSide);
        b.validateInboundHeaders = validateInboundHeaders;
        b.normalizeInboundHeaders = normalizeInboundHeaders;
        b.validateOutboundHeaders = validateOutboundHeaders;
        b.normalizeOutboundHeaders = normalizeOutboundHeaders;
        b.splitOutboundCookies = splitOutboundCookies;
        b.respondToMalformedRequests = respondToMalformedRequests;
        b.headerTableSize = headerTableSize;
        b.enablePush = enablePush;
        b.maxConcurrentStreams = maxConcurrentStreams;
        b.initialWindowSize = initialWindowSize;
        b.maxFrameSize = maxFrameSize;
        b.maxHeaderListSize = maxHeaderListSize;
        b.enableConnectProtocol = enableConnectProtocol;
        b.rfc7540Priorities = rfc7540Priorities;
        b.limits = limits;
        return b;
    }

    /** Defaults are h2's (§1.4, §1.11 of ENGINE_PARITY.md) and nghttp2/Envoy's for the limits. */
    public static final class Builder {
        private final boolean clientSide;
        private boolean validateInboundHeaders = true;
        private boolean normalizeInboundHeaders = true;
        private boolean validateOutboundHeaders = true;
        private boolean normalizeOutboundHeaders = true;
        private boolean splitOutboundCookies;
        private boolean respondToMalformedRequests = true;
        private int headerTableSize = 4096;
        private boolean enablePush;
        private long maxConcurrentStreams = 100;
        private int initialWindowSize = 65535;
        private int maxFrameSize = 16384;
        private int maxHeaderListSize = 65536;
        private boolean enableConnectProtocol;
        private boolean rfc7540Priorities;
        private AbuseLimits limits = AbuseLimits.DEFAULT;

        private Builder(boolean clientSide) {
            this.clientSide = clientSide;
            this.enablePush = clientSide;
        }

        public Builder validateInboundHeaders(boolean v) { validateInboundHeaders = v; return this; }
        public Builder normalizeInboundHeaders(boolean v) { normalizeInboundHeaders = v; return this; }
        public Builder validateOutboundHeaders(boolean v) { validateOutboundHeaders = v; return this; }
        public Builder normalizeOutboundHeaders(boolean v) { normalizeOutboundHeaders = v; return this; }
        public Builder splitOutboundCookies(boolean v) { splitOutboundCookies = v; return this; }
        public Builder respondToMalformedRequests(boolean v) { respondToMalformedRequests = v; return this; }
        public Builder headerTableSize(int v) { headerTableSize = v; return this; }
        public Builder enablePush(boolean v) { enablePush = v; return this; }
        public Builder maxConcurrentStreams(long v) { maxConcurrentStreams = v; return this; }
        public Builder initialWindowSize(int v) { initialWindowSize = v; return this; }
        public Builder maxFrameSize(int v) { maxFrameSize = v; return this; }
        public Builder maxHeaderListSize(int v) { maxHeaderListSize = v; return this; }
        public Builder enableConnectProtocol(boolean v) { enableConnectProtocol = v; return this; }
        public Builder rfc7540Priorities(boolean v) { rfc7540Priorities = v; return this; }
        public Builder limits(AbuseLimits v) { limits = v; return this; }

        public H2Configuration build() {
            return new H2Configuration(clientSide, validateInboundHeaders, normalizeInboundHeaders,
                    validateOutboundHeaders, normalizeOutboundHeaders, splitOutboundCookies, respondToMalformedRequests,
                    headerTableSize, enablePush, maxConcurrentStreams, initialWindowSize, maxFrameSize,
                    maxHeaderListSize, enableConnectProtocol, rfc7540Priorities, limits);
        }
    }
}
