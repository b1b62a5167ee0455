package io.h2relay.app.har;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * HAR 1.2 (the W3C Web Performance group's draft, http://www.softwareishard.com/blog/har-12-spec/) as records.
 * Only what record and replay use is modelled; unknown fields (browsers' {@code _initiator}, {@code _priority},
 * cookie attributes, ...) are ignored on reading, and every optional field may be absent (null). Our own
 * additions travel as {@code _h2relay} objects, as the spec allows for custom fields (names starting with '_').
 */
public final class Har {

    private Har() {}

    /** The file: {@code {"log": {...}}}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record File(Log log) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Log(String version, Creator creator, Creator browser, List<Page> pages, List<Entry> entries,
            String comment) {
        public Log {
            entries = entries == null ? List.of() : entries;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Creator(String name, String version, String comment) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Page(String startedDateTime, String id, String title, PageTimings pageTimings) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PageTimings(Double onContentLoad, Double onLoad) {}

    /**
     * One exchange. {@code time} is the total in milliseconds (fractions allowed: Chromium writes them).
     *
     * @param h2relay what HAR has no field for (stream id, priority, trailers), null in browsers' files
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Entry(String pageref, String startedDateTime, Double time, Request request, Response response,
            Timings timings, String serverIPAddress, String connection, String comment,
            @JsonProperty("_h2relay") Extension h2relay) {

        /** {@code startedDateTime} as an instant: ISO 8601 with an offset (Firefox) or 'Z' (Chromium). */
        public Instant started() {
            if (startedDateTime == null || startedDateTime.isEmpty()) {
                return null;
            }
            try {
                return OffsetDateTime.parse(startedDateTime).toInstant();
            } catch (DateTimeParseException e) {
                return Instant.parse(startedDateTime);
            }
        }
    }

    /**
     * @param url absolute URL (browsers) or what h2relay recorded ({@code scheme://authority/path})
     * @param httpVersion "h2", "http/2.0" (Chromium), "HTTP/2" (Firefox), "http/1.1", "HTTP/1.1", ...
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Request(String method, String url, String httpVersion, List<NameValue> cookies,
            List<NameValue> headers, List<NameValue> queryString, PostData postData, Long headersSize,
            Long bodySize, String comment) {
        public Request {
            headers = headers == null ? List.of() : headers;
        }
    }

    /**
     * @param encoding our extension, {@code "base64"} when {@code text} is base64 (HAR 1.2 has this field only in
     *     {@code content}); absent means the text is the body as UTF-8
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PostData(String mimeType, List<Param> params, String text, String comment,
            @JsonProperty("_encoding") String encoding) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Param(String name, String value, String fileName, String contentType) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Response(Integer status, String statusText, String httpVersion, List<NameValue> cookies,
            List<NameValue> headers, Content content, String redirectURL, Long headersSize, Long bodySize,
            String comment) {
        public Response {
            headers = headers == null ? List.of() : headers;
        }
    }

    /** @param encoding "base64" when {@code text} is base64-encoded (HAR 1.2 §content) */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Content(Long size, Long compression, String mimeType, String text, String encoding,
            String comment) {}

    /** Milliseconds; -1 where a phase does not apply (HAR 1.2 §timings). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Timings(Double blocked, Double dns, Double connect, Double send, @JsonProperty("wait") Double waitMs, Double receive,
            Double ssl, String comment) {}

    /** A header, cookie or query parameter. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record NameValue(String name, String value, String comment) {
        public static NameValue of(String name, String value) {
            return new NameValue(name, value, null);
        }
    }

    /**
     * h2relay's additions to an entry ({@code _h2relay}).
     *
     * @param streamId the HTTP/2 stream id the client used (0 on HTTP/1.1)
     * @param priority the request's RFC 9218 priority field value, if any
     * @param requestBodyTruncated whether {@code postData.text} holds only the first bytes of the body
     * @param responseBodyTruncated whether {@code content.text} holds only the first bytes
     * @param outcome how the exchange ended (COMPLETED, CLIENT_RESET, TIMEOUT, ...)
     * @param resetCode the RST_STREAM code when a side reset the stream
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Extension(Integer streamId, String priority, List<NameValue> requestTrailers,
            List<NameValue> responseTrailers, Boolean requestBodyTruncated, Boolean responseBodyTruncated,
            String route, String cluster, String upstream, String outcome, Integer resetCode, String listener,
            String protocol) {}
}
