/**
 * TLS for h2relay's listeners and upstream connections, on the JDK's {@link javax.net.ssl.SSLEngine}.
 *
 * <ul>
 *   <li>{@link io.h2relay.tls.TlsSession}: the sans-IO driver the connection actor runs in front of its protocol
 *       engine (ciphertext in, plaintext out and back); no sockets, threads or clocks.</li>
 *   <li>{@link io.h2relay.tls.ServerTls} / {@link io.h2relay.tls.ClientTls}: contexts and the policy each engine
 *       gets (TLS 1.2+, ALPN h2 then http/1.1, the RFC 9113 §9.2 rules, SNI, host name checks, client
 *       certificates).</li>
 *   <li>{@link io.h2relay.tls.KeyMaterial}: a key and chain from PEM (through BouncyCastle's parser) or PKCS#12;
 *       {@link io.h2relay.tls.SniKeyManager} picks one per handshake by server name;
 *       {@link io.h2relay.tls.CertificateStore} reloads them when their files change;
 *       {@link io.h2relay.tls.SelfSignedCertificate} makes the default listener's.</li>
 *   <li>{@link io.h2relay.tls.H2Security}: RFC 9113 Appendix A and the after-handshake check that decides
 *       GOAWAY(INADEQUATE_SECURITY).</li>
 * </ul>
 *
 * <p>Policy choices: the server orders cipher suites itself, h2-safe first, so a client with any good suite gets
 * one; a TLS 1.2 client left with only a prohibited suite gets http/1.1 if it offered it, else h2 and then the
 * INADEQUATE_SECURITY check; TLS 1.2 renegotiation is refused in the driver rather than through the JVM-wide
 * {@code jdk.tls.rejectClientInitiatedRenegotiation} property (which would not cover a server's HelloRequest to
 * our client side); unmatched or absent SNI gets the first certificate rather than an unrecognized_name alert.
 */
package io.h2relay.tls;
