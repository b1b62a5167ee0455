/**
 * An HTTP/2 client on h2relay's sans-IO engine, usable as a library and by the replayer; python's hyper
 * (ENGINE_PARITY.md §5) is the seed, with real backpressure where hyper had none.
 *
 * <ul>
 *   <li>{@link io.h2relay.client.H2Client} opens {@link io.h2relay.client.ClientConnection}s. Each connection is
 *       one Pekko actor ({@code ConnectionActor}), the only code touching its socket, its TLS session
 *       ({@link io.h2relay.tls.TlsSession}, driven in the actor) and its protocol engine; callers on any thread send
 *       messages and get {@link java.util.concurrent.CompletionStage}s, completed on the client's executor so no
 *       caller code ever runs on an actor thread.</li>
 *   <li>One API over four ways in ({@link io.h2relay.client.ConnectMode}): h2c with prior knowledge, h2 over TLS
 *       (ALPN), h2c by Upgrade from HTTP/1.1, and HTTP/1.1 (cleartext, or when ALPN picks it or is absent) on the
 *       {@link io.h2relay.http1.Http1Connection} codec.</li>
 *   <li>Over HTTP/2 requests multiplex on one connection and complete in the server's order; beyond the server's
 *       SETTINGS_MAX_CONCURRENT_STREAMS they wait for a stream. Streaming bodies ({@link io.h2relay.client.RequestBody}:
 *       an InputStream or a {@link java.util.concurrent.Flow.Publisher}) are read only when the window can take
 *       more, in pieces sized to it, and the engine cuts DATA frames as large as the window and the peer's
 *       SETTINGS_MAX_FRAME_SIZE allow.</li>
 *   <li>{@link io.h2relay.client.Response} bodies are read whole, frame by frame (empty frames included) or as an
 *       InputStream, with trailers and any 1xx responses. gzip, deflate (zlib or raw) and br are undone unless a
 *       read says not to. Bytes count as consumed when a reader takes them, and only then does the default
 *       {@link io.h2relay.client.WindowManager} give the server more window: a response nobody reads stops at its
 *       stream window, so memory per response is bounded by SETTINGS_INITIAL_WINDOW_SIZE and per connection by the
 *       connection window. Over HTTP/1.1 the same bound stops socket reads.</li>
 *   <li>Server push when enabled: {@link io.h2relay.client.PushPromise} carries the promised request and the
 *       pushed response; {@code cancel()} sends RST_STREAM(CANCEL).</li>
 *   <li>Failures name their cause: {@link io.h2relay.client.RequestNotProcessedException} when the server certainly
 *       did not process a request (above a GOAWAY's last stream, REFUSED_STREAM, never sent) and it may be retried;
 *       {@link io.h2relay.client.StreamResetException} for a reset stream; {@link io.h2relay.client.ConnectionException}
 *       for the connection, with the GOAWAY code's name and meaning.</li>
 * </ul>
 */
package io.h2relay.client;
