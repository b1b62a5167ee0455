package io.h2relay.app.replay;

import io.h2relay.app.har.Har;
import io.h2relay.app.har.HarBodies;
import io.h2relay.app.har.HarRedaction;
import io.h2relay.client.Headers;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One recorded request, ready to send again.
 *
 * @param index the entry's position in the HAR file (what {@code --shard} slices on)
 * @param path path and query, as recorded
 * @param authority the recorded authority (replaced by the target's unless the rewrite keeps it)
 * @param headers regular fields only, lowercase names
 * @param started when it was recorded, or null (then replay with {@code --speed} treats it as at the start)
 */
public record ReplayRequest(int index, String method, String path, String authority, Headers headers, byte[] body,
        Instant started) {

    /**
     * Fields a replay never sends as recorded: HTTP/2 pseudo-fields (Chromium lists them among the headers), the
     * host (the target's authority replaces it), framing the client redoes (content-length, transfer-encoding), and
     * the connection-specific fields RFC 9113 §8.2.2 forbids in HTTP/2.
     */
    static final Set<String> DROPPED = Set.of("host", "content-length", "transfer-encoding", "connection",
            "keep-alive", "proxy-connection", "upgrade", "http2-settings");

    /** The request of a HAR entry; fields redacted at recording time are left out rather than sent as such. */
    public static ReplayRequest of(int index, Har.Entry entry) {
        Har.Request r = entry.request();
        if (r == null || r.method() == null || r.url() == null) {
            throw new IllegalArgumentException("entry " + index + " has no request method and url");
        }
        String url = r.url();
        String authority = null;
        String path = url;
        int scheme = url.indexOf("://");
        if (scheme > 0) {
            int slash = url.indexOf('/', scheme + 3);
            int query = url.indexOf('?', scheme + 3);
            int end = slash < 0 ? (query < 0 ? url.length() : query) : (query < 0 ? slash : Math.min(slash, query));
            authority = url.substring(scheme + 3, end);
            path = url.substring(end);
        }
        int fragment = path.indexOf('#');
        if (fragment >= 0) {
            path = path.substring(0, fragment);
        }
        if (path.isEmpty() || path.charAt(0) == '?') {
            path = "/" + path;
        }
        List<String> fields = new ArrayList<>();
        for (Har.NameValue h : r.headers()) {
            if (h.name() == null || h.value() == null) {
                continue;
            }
            String name = h.name().toLowerCase(Locale.ROOT);
            if (name.startsWith(":")) {
                if (name.equals(":authority") && authority == null) {
                    authority = h.value();
                }
                continue;
            }
            if (DROPPED.contains(name) || (name.equals("te") && !h.value().trim().equalsIgnoreCase("trailers"))) {
                continue;
            }
            if (HarRedaction.sensitive(name) && HarRedaction.REDACTED.equals(h.value())) {
                continue;
            }
            fields.add(name);
            fields.add(h.value());
        }
        return new ReplayRequest(index, r.method(), path, authority, Headers.of(fields.toArray(new String[0])),
                body(r.postData()), entry.started());
    }

    static byte[] body(Har.PostData post) {
        if (post == null) {
            return new byte[0];
        }
        if (post.text() != null) {
            return HarBodies.decode(post.text(), post.encoding());
        }
        if (post.params() != null && !post.params().isEmpty()) {
            // Some exporters give form posts as params only: rebuild the urlencoded body.
            StringBuilder b = new StringBuilder();
            for (Har.Param p : post.params()) {
                b.append(b.isEmpty() ? "" : "&").append(URLEncoder.encode(p.name(), StandardCharsets.UTF_8))
                        .append('=').append(URLEncoder.encode(p.value() == null ? "" : p.value(),
                                StandardCharsets.UTF_8));
            }
            return b.toString().getBytes(StandardCharsets.UTF_8);
        }
        return new byte[0];
    }
}
