package io.h2relay.http1;

/**
 * The HTTP/1.x versions a message can carry. A received HTTP/1.x with a minor version above 1 is treated as
 * HTTP/1.1 (RFC 9110 §2.5: a recipient treats an unknown higher minor version as the highest it supports).
 */
public enum Http1Version {
    HTTP_1_0("HTTP/1.0"),
    HTTP_1_1("HTTP/1.1");

    private final String text;

    Http1Version(String text) {
        this.text = text;
    }

    /** The protocol token as written on the wire. */
    public String text() {
        return text;
    }
}
