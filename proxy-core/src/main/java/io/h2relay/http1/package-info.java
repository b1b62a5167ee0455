/**
 * A sans-IO HTTP/1.1 codec (RFC 9112, RFC 9110) in the manner of python's h11: {@link
 * io.h2relay.http1.Http1Connection} takes bytes and returns {@link io.h2relay.http1.Http1Event}s, and queues the
 * bytes of what it is asked to send. No sockets, threads, clocks or other h2relay packages.
 *
 * <p>Parsing is strict wherever leniency would let two parsers disagree about where a message ends (request
 * smuggling, RFC 9112 §11.2). The choices the RFCs leave open, and ours:
 * <ul>
 *   <li>Lines end in CRLF only. A bare LF (which §2.2 lets a recipient accept) and a bare CR are errors.</li>
 *   <li>obs-fold (§5.2), whitespace before the first field (§2.2) and whitespace between a field name and its colon
 *       (§5.1) are errors; field values may carry obs-text but no control character other than HTAB.</li>
 *   <li>Content-Length: repeated field lines or comma lists are accepted when every element is the same decimal
 *       value (RFC 9110 §8.6 allows this or rejection); any other value, sign, space or 19+ digits is an error.</li>
 *   <li>Both Content-Length and Transfer-Encoding: an error (§6.3 item 3 says "ought to be handled as an error").
 *       Transfer-Encoding in HTTP/1.0: an error (§6.1).</li>
 *   <li>Request Transfer-Encoding: "chunked" must be the final coding, exactly once, else 400 (§6.3, a MUST: so
 *       "xchunked" and "gzip" alone are 400); with chunked last, any other coding is 501 (§6.1, a SHOULD).
 *       Empty list elements and parameters are refused.</li>
 *   <li>Response Transfer-Encoding other than exactly "chunked" is an error, stricter than §6.3 item 4 (which
 *       reads such a body until close): we never offer other codings and could not pass them on to HTTP/2.</li>
 *   <li>Request-targets follow RFC 3986 exactly (no raw space, '"', '\', '{', '#', non-ASCII, or bad '%'); the
 *       absolute form must be http or https with a non-empty host and no userinfo, and its authority wins over Host
 *       (§3.2.2); CONNECT needs host:port with a port in 1..65535; "*" only with OPTIONS.</li>
 *   <li>An HTTP/1.1 request needs exactly one valid Host, an HTTP/1.0 request at most one (§3.2).</li>
 *   <li>A status-line needs the SP after the status code even with an empty reason-phrase (§4).</li>
 *   <li>Chunk sizes may have leading zeros but at most 15 significant hex digits; chunk extensions are parsed
 *       strictly (token or quoted-string values) and ignored.</li>
 *   <li>Every malformed message ends parsing and asks for the connection to close: once framing is in doubt no
 *       later byte can be trusted. A server answers the reported status (400, 413, 414, 431, 501, 505); a client
 *       reports 502, what a gateway answers downstream.</li>
 * </ul>
 *
 * <p>Serialization is canonical: the caller's fields in order, framing fields added only when needed
 * (Transfer-Encoding: chunked, Content-Length: 0, Connection: close / keep-alive), and a field, target or reason
 * containing CR, LF, NUL or another control character is refused with {@link io.h2relay.http1.Http1Exception}
 * before anything is written (response splitting, §11.1).
 */
package io.h2relay.http1;
