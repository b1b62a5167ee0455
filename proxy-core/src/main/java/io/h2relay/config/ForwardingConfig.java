package io.h2relay.config;

import java.util.Objects;

/**
 * The forwarding fields the proxy writes on requests it sends upstream, and {@code via} both ways
 * ({@code h2relay.forwarding}).
 *
 * @param trustIncoming keep the {@code x-forwarded-for}, {@code x-forwarded-proto} and {@code forwarded} a client
 *     sent and append to them (h2relay sits behind another proxy you trust); when false they are replaced, since a
 *     client can write anything there
 * @param xForwardedFor append the client's address to {@code x-forwarded-for}
 * @param xForwardedProto set {@code x-forwarded-proto} to the scheme the client used
 * @param forwarded append an RFC 7239 {@code forwarded} element ({@code for}, {@code by}, {@code proto},
 *     {@code host})
 * @param forwardedFor how the {@code for} parameter names the client
 * @param forwardedBy how the {@code by} parameter names this proxy's receiving interface
 * @param via append {@code via: <version> <pseudonym>} to requests and responses (RFC 9110 §7.6.3)
 * @param viaPseudonym the received-by name in {@code via} (a token)
 * @param relayProxyAuthorization pass {@code proxy-authorization} upstream; h2relay never asks for proxy credentials,
 *     so by default it keeps a client's from reaching the backend (RFC 9110 §11.7.2 allows relaying)
 */
public record ForwardingConfig(
        boolean trustIncoming,
        boolean xForwardedFor,
        boolean xForwardedProto,
        boolean forwarded,
        Node forwardedFor,
        Node forwardedBy,
        boolean via,
        String viaPseudonym,
        boolean relayProxyAuthorization) {

    /** How a {@code forwarded} parameter names a node (RFC 7239 §6). */
    public sealed interface Node {

        /** Leave the parameter out. */
        record Omitted() implements Node {}

        /** The IP address, with the port when {@code withPort}. */
        record Ip(boolean withPort) implements Node {}

        /** {@code unknown} (RFC 7239 §6.2): the node is not disclosed. */
        record Unknown() implements Node {}

        /** A fixed obfuscated identifier (RFC 7239 §6.3), such as {@code _h2relay}. */
        record Obfuscated(String identifier) implements Node {
            public Obfuscated {
                checkObfuscated(identifier);
            }
        }

        /**
         * Parses {@code none}, {@code ip}, {@code ip-and-port}, {@code unknown} or {@code _identifier}.
         *
         * @throws IllegalArgumentException with a message fit for the user
         */
        static Node parse(String text) {
            return switch (text) {
                case "none" -> new Omitted();
                case "ip" -> new Ip(false);
                case "ip-and-port" -> new Ip(true);
                case "unknown" -> new Unknown();
                default -> {
                    if (!text.startsWith("_")) {
                        throw new IllegalArgumentException("'" + text + "': use none, ip, ip-and-port, unknown or an "
                                + "obfuscated identifier starting with '_' (RFC 7239 §6.3)");
                    }
                    yield new Obfuscated(text);
                }
            };
        }
    }

    public ForwardingConfig {
        Objects.requireNonNull(forwardedFor, "forwardedFor");
        Objects.requireNonNull(forwardedBy, "forwardedBy");
        Objects.requireNonNull(viaPseudonym, "viaPseudonym");
        if (viaPseudonym.isEmpty() || !viaPseudonym.chars().allMatch(c -> HeaderEdits.isTokenChar((char) c))) {
            throw new IllegalArgumentException("'" + viaPseudonym + "': the via pseudonym must be a token (RFC 9110 §7.6.3)");
        }
    }

    /** RFC 7239 §6.3: obfnode = "_" 1*( ALPHA / DIGIT / "." / "_" / "-" ). */
    static void checkObfuscated(String id) {
        boolean ok = id.length() > 1 && id.charAt(0) == '_' && id.chars().skip(1).allMatch(c -> c >= 'a' && c <= 'z'
                || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-');
        if (!ok) {
            throw new IllegalArgumentException("'" + id + "': an obfuscated identifier is '_' followed by letters, "
                    + "digits, '.', '_' or '-' (RFC 7239 §6.3)");
        }
    }
}
