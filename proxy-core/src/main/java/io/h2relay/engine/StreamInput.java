package io.h2relay.engine;

/** What can happen to a stream: h2's 19 stream inputs. PRIORITY is not among them: it is valid in every state. */
enum StreamInput {
    SEND_HEADERS,
    SEND_PUSH_PROMISE,
    SEND_RST_STREAM,
    SEND_DATA,
    SEND_WINDOW_UPDATE,
    SEND_END_STREAM,
    RECV_HEADERS,
    RECV_PUSH_PROMISE,
    RECV_RST_STREAM,
    RECV_DATA,
    RECV_WINDOW_UPDATE,
    RECV_END_STREAM,
    RECV_CONTINUATION,
    SEND_INFORMATIONAL_HEADERS,
    RECV_INFORMATIONAL_HEADERS,
    SEND_ALTERNATIVE_SERVICE,
    RECV_ALTERNATIVE_SERVICE,
    UPGRADE_CLIENT,
    UPGRADE_SERVER;

    boolean isSend() {
        return name().startsWith("SEND_") || this == UPGRADE_CLIENT || this == UPGRADE_SERVER;
    }
}
