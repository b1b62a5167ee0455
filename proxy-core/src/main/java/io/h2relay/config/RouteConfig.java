package io.h2relay.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A route ({@code h2relay.routes.<name>}): which requests it takes and where they go.
 *
 * <p>Path prefixes match whole segments: {@code /api} and {@code /api/} both take {@code /api}, {@code /api/},
 * {@code /api/v1} and {@code /api?x=1}, never {@code /apix}. Paths compare byte for byte, percent-encoding included
 * (RFC 3986 §6.2.1); nothing is decoded or normalised.
 *
 * @param authorities what the request's authority must match; {@link AuthorityPattern#ANY} by default
 * @param pathPrefix begins with '/'; no '?' or '#'
 * @param rewritePrefix replaces the matched prefix before the request goes upstream (same syntax as a prefix)
 * @param cluster the name of the cluster the requests go to
 * @param timeout overrides the cluster's request-timeout for this route; {@link Duration#ZERO} waits forever
 * @param record whether its exchanges go to the HAR file of {@code h2relay.record}
 */
public record RouteConfig(
        String name,
        List<AuthorityPattern> authorities,
        String pathPrefix,
        Optional<String> rewritePrefix,
        HeaderEdits requestHeaders,
        HeaderEdits responseHeaders,
        String cluster,
        Optional<Duration> timeout,
        boolean record) {

    public RouteConfig {
        Objects.requireNonNull(name, "name");
        authorities = List.copyOf(authorities);
        if (authorities.isEmpty()) {
            throw new IllegalArgumentException("route " + name + " matches no authority");
        }
        checkPrefix(pathPrefix);
        rewritePrefix.ifPresent(RouteConfig::checkPrefix);
        Objects.requireNonNull(requestHeaders, "requestHeaders");
        Objects.requireNonNull(responseHeaders, "responseHeaders");
        Objects.requireNonNull(cluster, "cluster");
        timeout.ifPresent(t -> {
            if (t.isNegative()) {
                throw new IllegalArgumentException("route " + name + ": negative timeout");
            }
        });
    }

    /** Not recorded. */
    public RouteConfig(String name, List<AuthorityPattern> authorities, String pathPrefix,
            Optional<String> rewritePrefix, HeaderEdits requestHeaders, HeaderEdits responseHeaders, String cluster,
            Optional<Duration> timeout) {
        this(name, authorities, pathPrefix, rewritePrefix, requestHeaders, responseHeaders, cluster, timeout, false);
    }

    /** A catch-all route: any authority, prefix "/", no edits. */
    public static RouteConfig catchAll(String name, String cluster) {
        return new RouteConfig(name, List.of(AuthorityPattern.ANY), "/", Optional.empty(), HeaderEdits.NONE,
                HeaderEdits.NONE, cluster, Optional.empty());
    }

    /** The prefix as the matcher sees it: without trailing '/', the root as "" ({@code /api/} → {@code /api}). */
    public String matchPrefix() {
        return trimSlashes(pathPrefix);
    }

    static String trimSlashes(String prefix) {
        int end = prefix.length();
        while (end > 0 && prefix.charAt(end - 1) == '/') {
            end--;
        }
        return prefix.substring(0, end);
    }

    /**
     * @throws IllegalArgumentException with a message fit for the user
     */
    static void checkPrefix(String prefix) {
        if (prefix.isEmpty() || prefix.charAt(0) != '/') {
            throw new IllegalArgumentException("'" + prefix + "' must begin with '/'");
        }
        for (int i = 0; i < prefix.length(); i++) {
            char c = prefix.charAt(i);
            if (c == '?' || c == '#') {
                throw new IllegalArgumentException("'" + prefix + "': a prefix is a path, without '" + c + "'");
            }
            if (c <= ' ' || c >= 0x7f) {
                throw new IllegalArgumentException("'" + prefix + "': characters outside visible ASCII must be "
                        + "percent-encoded (RFC 3986 §2.1)");
            }
        }
    }
}
