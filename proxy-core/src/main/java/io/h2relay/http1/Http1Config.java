package io.h2relay.http1;

/**
 * Limits of the HTTP/1.1 codec. Lengths exclude the terminating CRLF.
 *
 * @param maxStartLineLength request-line (over it: 414) or status-line (over it: the response is malformed)
 * @param maxFieldLineLength one header or trailer field line (over it: 431)
 * @param maxHeaderBytes all field lines of a header or trailer section, CRLFs included (over it: 431)
 * @param maxHeaderCount field lines in a header or trailer section (over it: 431)
 * @param maxChunkLineLength a chunk-size line with its extensions (over it: 400)
 * @param maxBodyLength body bytes of one message, declared or chunked (over it: 413)
 * @param maxBufferedInput bytes of pipelined input held while the current response is being sent; once this much
 *     is held {@link Http1Connection#readPaused()} turns true and the caller must stop reading
 */
public record Http1Config(
        int maxStartLineLength,
        int maxFieldLineLength,
        int maxHeaderBytes,
        int maxHeaderCount,
        int maxChunkLineLength,
        long maxBodyLength,
        int maxBufferedInput) {

    public Http1Config {
        positive("maxStartLineLength", maxStartLineLength);
        positive("maxFieldLineLength", maxFieldLineLength);
        positive("maxHeaderBytes", maxHeaderBytes);
        positive("maxHeaderCount", maxHeaderCount);
        positive("maxChunkLineLength", maxChunkLineLength);
        positive("maxBodyLength", maxBodyLength);
        positive("maxBufferedInput", maxBufferedInput);
    }

    /** 8 KiB lines, 64 KiB and 100 fields per section, 1 KiB chunk lines, no body limit, 64 KiB pipelined. */
    public static Http1Config defaults() {
        return new Http1Config(8192, 8192, 65536, 100, 1024, Long.MAX_VALUE, 65536);
    }

    public Http1Config withMaxStartLineLength(int v) {
        return new Http1Config(v, maxFieldLineLength, maxHeaderBytes, maxHeaderCount, maxChunkLineLength,
                maxBodyLength, maxBufferedInput);
    }

    public Http1Config withMaxFieldLineLength(int v) {
        return new Http1Config(maxStartLineLength, v, maxHeaderBytes, maxHeaderCount, maxChunkLineLength,
                maxBodyLength, maxBufferedInput);
    }

    public Http1Config withMaxHeaderBytes(int v) {
        return new Http1Config(maxStartLineLength, maxFieldLineLength, v, maxHeaderCount, maxChunkLineLength,
                maxBodyLength, maxBufferedInput);
    }

    public Http1Config withMaxHeaderCount(int v) {
        return new Http1Config(maxStartLineLength, maxFieldLineLength, maxHeaderBytes, v, maxChunkLineLength,
                maxBodyLength, maxBufferedInput);
    }

    public Http1Config withMaxChunkLineLength(int v) {
        return new Http1Config(maxStartLineLength, maxFieldLineLength, maxHeaderBytes, maxHeaderCount, v,
                maxBodyLength, maxBufferedInput);
    }

    public Http1Config withMaxBodyLength(long v) {
        return new Http1Config(maxStartLineLength, maxFieldLineLength, maxHeaderBytes, maxHeaderCount,
                maxChunkLineLength, v, maxBufferedInput);
    }

    public Http1Config withMaxBufferedInput(int v) {
        return new Http1Config(maxStartLineLength, maxFieldLineLength, maxHeaderBytes, maxHeaderCount,
                maxChunkLineLength, maxBodyLength, v);
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }
}
