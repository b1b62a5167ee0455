package io.h2relay.proxy;

import io.h2relay.config.EngineLimits;
import io.h2relay.config.FlowControlConfig;
import io.h2relay.engine.AbuseLimits;
import io.h2relay.engine.H2Configuration;
import io.h2relay.engine.H2Connection;
import io.h2relay.engine.RateLimit;

/** The configuration's windows and limits ({@code h2relay.flow-control}, {@code h2relay.limits}) as engine settings. */
public final class EngineSettings {

    private EngineSettings() {}

    /**
     * A client-facing (or origin) engine.
     *
     * @param rfc7540Priorities schedule our DATA by the client's RFC 7540 PRIORITY frames rather than RFC 9218
     *     urgency: the proxy does, since the client's RFC 9218 signals travel on to the backend, which orders its
     *     responses by them (a proxy that also reordered by urgency would only add delay)
     */
    public static H2Configuration server(FlowControlConfig flow, EngineLimits limits, boolean rfc7540Priorities) {
        return common(H2Configuration.builder(false), flow, limits).rfc7540Priorities(rfc7540Priorities).build();
    }

    /**
     * The proxy's client-facing engine: {@link #server} plus SETTINGS_ENABLE_CONNECT_PROTOCOL (RFC 8441 §3), so HTTP/2
     * clients may open WebSockets; the backend side maps them (HTTP/1.1 Upgrade, or extended CONNECT to an HTTP/2
     * backend that enabled it too).
     */
    public static H2Configuration proxyServer(FlowControlConfig flow, EngineLimits limits, boolean rfc7540Priorities) {
        return common(H2Configuration.builder(false), flow, limits).rfc7540Priorities(rfc7540Priorities)
                .enableConnectProtocol(true).build();
    }

    /** A backend-facing engine: no server push (RFC 9113 §8.4; a proxy has nowhere to send it). */
    public static H2Configuration client(FlowControlConfig flow, EngineLimits limits) {
        return common(H2Configuration.builder(true), flow, limits).enablePush(false).build();
    }

    /**
     * Sends the connection preface and opens the connection receive window from RFC 9113's 65,535 to the configured
     * size (§6.9.2: only a WINDOW_UPDATE on stream 0 can).
     */
    public static void start(H2Connection engine, FlowControlConfig flow) {
        engine.initiateConnection();
        openConnectionWindow(engine, flow);
    }

    /**
     * The server side of an h2c Upgrade (RFC 7540 §3.2): the client's {@code HTTP2-Settings} value takes effect as its
     * first SETTINGS and stream 1 is the upgraded request. Throws (before anything is queued) when the value is not
     * valid, so the caller can still decline the upgrade.
     */
    public static void startUpgraded(H2Connection engine, FlowControlConfig flow, String http2Settings) {
        engine.initiateUpgradeConnection(http2Settings);
        openConnectionWindow(engine, flow);
    }

    private static void openConnectionWindow(H2Connection engine, FlowControlConfig flow) {
        int increment = flow.connectionWindow() - FlowControlConfig.INITIAL_CONNECTION_WINDOW;
        if (increment > 0) {
            engine.incrementFlowControlWindow(increment, 0);
        }
    }

    private static H2Configuration.Builder common(H2Configuration.Builder b, FlowControlConfig flow,
            EngineLimits limits) {
        return b.initialWindowSize(flow.streamWindow())
                .maxConcurrentStreams(limits.maxConcurrentStreams())
                .maxHeaderListSize(limits.maxHeaderListSize())
                .headerTableSize(limits.headerTableSize())
                .maxFrameSize(limits.maxFrameSize())
                .limits(abuseLimits(limits));
    }

    static AbuseLimits abuseLimits(EngineLimits l) {
        return AbuseLimits.builder()
                .maxHeaderCount(l.maxHeaderCount())
                .maxHeaderBlockBytes(l.maxHeaderBlockBytes())
                .maxContinuationFrames(l.maxContinuationFrames())
                .peerResets(rate(l.peerResets()))
                .localResets(rate(l.localResets()))
                .pings(rate(l.pings()))
                .settingsFrames(rate(l.settingsFrames()))
                .maxSettingsPerFrame(l.maxSettingsPerFrame())
                .maxConsecutiveEmptyFrames(l.maxConsecutiveEmptyFrames())
                .windowUpdatesPerDataFrame(l.windowUpdatesPerDataFrame())
                .priorityFramesPerStream(l.priorityFramesPerStream())
                .maxQueuedControlFrames(l.maxQueuedControlFrames())
                .maxOutboundBufferBytes(l.maxOutboundBufferBytes())
                .maxClosedStreams(l.maxClosedStreams())
                .maxTrackedPriorities(l.maxTrackedPriorities())
                .build();
    }

    private static RateLimit rate(EngineLimits.Rate r) {
        return new RateLimit(r.burst(), r.perSecond());
    }
}
