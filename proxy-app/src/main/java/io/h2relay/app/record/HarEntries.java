package io.h2relay.app.record;

import io.h2relay.app.har.Har;
import io.h2relay.app.har.HarBodies;
import io.h2relay.app.har.HarRedaction;
import io.h2relay.hpack.Header;
import io.h2relay.proxy.ExchangeRecord;
import java.util.ArrayList;
import java.util.List;

/** An {@link ExchangeRecord} as a HAR 1.2 entry, heads as the client sent and received them. */
final class HarEntries {

    private HarEntries() {}

    static Har.Entry of(ExchangeRecord r, boolean includeSensitive) {
        String method = r.requestField(":method");
        String scheme = r.requestField(":scheme");
        String authority = r.requestField(":authority");
        if (authority == null) {
            authority = r.requestField("host");
        }
        String path = r.requestField(":path");
        String url = (scheme != null ? scheme : r.tls() ? "https" : "http") + "://"
                + (authority != null ? authority : "") + (path != null ? path : "");
        String version = r.protocol() != null && r.protocol().startsWith("h2") ? "h2" : "http/1.1";

        Har.PostData post = null;
        if (r.requestBodyBytes() > 0 || r.requestBody() != null && r.requestBody().length > 0) {
            HarBodies.Encoded body = HarBodies.encode(r.requestBody() == null ? new byte[0] : r.requestBody());
            post = new Har.PostData(mime(r.requestField("content-type")), null, body.text(), null, body.encoding());
        }
        Har.Request request = new Har.Request(method != null ? method : "", url, version, List.of(),
                HarRedaction.apply(fields(r.requestHead()), includeSensitive), query(path), post, -1L,
                r.requestBodyBytes(), null);

        Har.Response response;
        if (r.responseHead() != null) {
            String location = r.responseField("location");
            Har.Content content;
            String mime = mime(r.responseField("content-type"));
            if (r.responseBody() != null) {
                HarBodies.Encoded body = HarBodies.encode(r.responseBody());
                content = new Har.Content(r.responseBodyBytes(), null, mime, body.text(), body.encoding(), null);
            } else {
                content = new Har.Content(r.responseBodyBytes(), null, mime, null, null, null);
            }
            response = new Har.Response(r.status(), "", version, List.of(),
                    HarRedaction.apply(fields(r.responseHead()), includeSensitive), content,
                    location != null ? location : "", -1L, r.responseBodyBytes(), null);
        } else {
            // HAR wants a response; status 0 is what browsers write for one that never came.
            response = new Har.Response(0, "", version, List.of(), List.of(),
                    new Har.Content(0L, null, "", null, null, null), "", -1L, -1L, null);
        }

        double total = r.durationNanos() / 1e6;
        double wait = r.upstreamNanos() >= 0 ? Math.min(total, r.upstreamNanos() / 1e6) : total;
        // HAR 1.2: send + wait + receive (+ the phases that apply) add up to the entry's time.
        Har.Timings timings = new Har.Timings(-1.0, -1.0, -1.0, 0.0, wait, total - wait, -1.0, null);

        Har.Extension ext = new Har.Extension(r.streamId(), r.priority(), trailers(r.requestTrailers(),
                includeSensitive), trailers(r.responseTrailers(), includeSensitive),
                truncated(r.requestBodyTruncated()), truncated(r.responseBodyTruncated()), r.route(), r.cluster(),
                r.upstream(), r.outcome().name(), r.resetCode() >= 0 ? r.resetCode() : null, r.listener(),
                r.protocol());
        return new Har.Entry(null, r.started().toString(), total, request, response, timings,
                null,
                r.client() != null ? Integer.toString(r.client().getPort()) : null, null, ext);
    }

    private static Boolean truncated(boolean t) {
        return t ? Boolean.TRUE : null;
    }

    private static String mime(String contentType) {
        return contentType != null ? contentType : "";
    }

    /** Regular fields; pseudo-fields are in the URL, method and status already. */
    static List<Har.NameValue> fields(List<Header> head) {
        List<Har.NameValue> out = new ArrayList<>();
        if (head != null) {
            for (Header h : head) {
                if (!h.name().startsWith(":")) {
                    out.add(Har.NameValue.of(h.name(), h.value()));
                }
            }
        }
        return out;
    }

    private static List<Har.NameValue> trailers(List<Header> trailers, boolean includeSensitive) {
        return trailers == null || trailers.isEmpty() ? null : HarRedaction.apply(fields(trailers), includeSensitive);
    }

    /** The query's name=value pairs as written (HAR leaves decoding to the reader). */
    static List<Har.NameValue> query(String path) {
        List<Har.NameValue> out = new ArrayList<>();
        int q = path == null ? -1 : path.indexOf('?');
        if (q < 0) {
            return out;
        }
        for (String pair : path.substring(q + 1).split("&")) {
            if (!pair.isEmpty()) {
                int eq = pair.indexOf('=');
                out.add(eq < 0 ? Har.NameValue.of(pair, "") : Har.NameValue.of(pair.substring(0, eq),
                        pair.substring(eq + 1)));
            }
        }
        return out;
    }
}
