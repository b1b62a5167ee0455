package io.h2relay.engine;

import io.h2relay.frame.ErrorCode;

/**
 * An action the protocol allows but this engine refuses as unwise, in the spirit of RFC 1122's "be conservative in
 * what you send" (python h2's {@code RFC1122Error}): e.g. a server sending RFC 7540 PRIORITY frames. Not a
 * {@link ProtocolError}; it never reaches the wire.
 */
public final class Rfc1122Error extends H2Error {

    public Rfc1122Error(String message) {
        super(ErrorCode.PROTOCOL_ERROR, message);
    }
}
