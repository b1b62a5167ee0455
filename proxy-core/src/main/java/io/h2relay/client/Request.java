package io.h2relay.client;

import java.util.Objects;

/**
 * One HTTP request for a {@link ClientConnection}. The connection supplies the scheme, and the authority when
 * {@code authority} is null.
 *
 * @param method the method token, e.g. {@code GET}
 * @param path the path and query ({@code :path}, or the HTTP/1.1 origin-form target); {@code *} for OPTIONS *
 * @param authority {@code :authority} / {@code Host}, or null for the connection's
 * @param headers regular fields; connection-specific ones (RFC 9113 §8.2.2) are dropped on HTTP/2
 * @param body what follows the head
 * @param trailers a trailer section sent after the body (empty for none); on HTTP/1.1 it forces chunked framing
 */
public record Request(String method, String path, String authority, Headers headers, RequestBody body,
        Headers trailers) {

    public Request {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(trailers, "trailers");
    }

    public static Request get(String path) {
        return builder("GET", path).build();
    }

    public static Request post(String path, RequestBody body) {
        return builder("POST", path).body(body).build();
    }

    public static Builder builder(String method, String path) {
        return new Builder(method, path);
    }

    /** Whether anything follows the head (a body or trailers). */
    boolean hasContent() {
        return !(body instanceof RequestBody.Empty) || !trailers.isEmpty();
    }

    public static final class Builder {
        private final String method;
        private final String path;
        private String authority;
        private Headers headers = Headers.EMPTY;
        private RequestBody body = RequestBody.empty();
        private Headers trailers = Headers.EMPTY;

        private Builder(String method, String path) {
            this.method = method;
            this.path = path;
        }

        public Builder authority(String v) {
            authority = v;
            return this;
        }

        public Builder header(String name, String value) {
            headers = headers.with(name, value);
            return this;
        }

        public Builder headers(Headers v) {
            headers = v;
            return this;
        }

        public Builder body(RequestBody v) {
            body = v;
            return this;
        }

        public Builder trailer(String name, String value) {
            trailers = trailers.with(name, value);
            return this;
        }

        public Request build() {
            return new Request(method, path, authority, headers, body, trailers);
        }
    }
}
